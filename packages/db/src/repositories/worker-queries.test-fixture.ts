import type { TJobVerdict } from '@cia/contracts';
import type { TDatabase } from '../client';
import { claimAnalysis, failAnalysis, registerFailure } from './analyses.repo';
import { incidentOccurrences } from '../schema';
import { countIntermittentChanges, countSameCommitFailures, HISTORY_COUNT_CAP, RECENT_OFF_DEFAULT_FAILURES } from './incident-history.repo';
import { findIncidentByFingerprint, recordOccurrence, type TOccurrenceInput } from './incidents.repo';

/**
 * The statements the worker prepares once (claim, history counts, incident by fingerprint), each
 * run more than once on known data: the PostgreSQL and PGlite runs must answer the same.
 */

const verdict: TJobVerdict = { kind: 'caused_by_change', headline: 'h', evidence: [], safe_to_merge: false, retry_advised: false };

async function analysisOf(database: TDatabase, pipelineId: number): Promise<{ id: number; requestId: string }> {
  const reg = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: 3, path: 'p/3' },
    pipeline: { id: pipelineId, ref: 'main', sha: null, url: null },
    failedJobs: [{ id: pipelineId, name: 'test', stage: 'test', status: 'failed' }],
  });
  return { id: reg.analysisId, requestId: reg.requestId };
}

/** A failure of fingerprint `fp` in job `jobId` of pipeline `jobId` (its own analysis), on a change off the default branch. */
async function occurrence(database: TDatabase, jobId: number, change: { ref: string | null; mr: number | null; sha: string }) {
  const { id } = await analysisOf(database, jobId);
  const input: TOccurrenceInput = {
    analysisId: id,
    projectId: 3,
    pipelineId: jobId,
    jobId,
    jobName: 'test',
    ref: change.ref,
    sha: change.sha,
    mergeRequestIid: change.mr,
    onDefaultBranch: false,
    targetBranch: 'main',
    fingerprint: 'fp',
    verdict,
    facts: null,
    comparedPipelineId: null,
    incident: {
      fingerprint: 'fp',
      signature: 'sig',
      projectId: 3,
      jobName: 'test',
      failureReason: null,
      category: null,
      title: 'AssertionError',
      identityLines: ['AssertionError'],
      defaultBranch: 'main',
    },
  };
  await database.db.transaction((tx) => recordOccurrence(tx, input));
}

/** Failures of fingerprint `flood` written at once (job ids from `firstJobId`), `at` plus one millisecond each. */
async function flood(
  database: TDatabase,
  analysisId: number,
  firstJobId: number,
  n: number,
  change: { mr: number; sha: string; at: Date },
) {
  const rows = Array.from({ length: n }, (_, i) => ({
    analysisId,
    projectId: 3,
    pipelineId: firstJobId + i,
    jobId: firstJobId + i,
    jobName: 'test',
    ref: `mr-${change.mr}`,
    sha: change.sha,
    mergeRequestIid: change.mr,
    onDefaultBranch: false,
    fingerprint: 'flood',
    verdictKind: 'caused_by_change',
    verdict,
    createdAt: new Date(change.at.getTime() + i),
  }));
  await database.db.insert(incidentOccurrences).values(rows);
}

/**
 * The bounds: a change failing more often than the history reads (its newest failures hide two
 * older other changes), then one more other change, newest of all.
 */
async function boundedCounts(database: TDatabase, analysisId: number) {
  const hourAgo = new Date(Date.now() - 3_600_000);
  const q = { fingerprint: 'flood', ref: 'mr-5', mergeRequestIid: 5, since: new Date(hourAgo.getTime() - 3_600_000) };
  await flood(database, analysisId, 1000, 1, { mr: 7, sha: 'c7', at: new Date(hourAgo.getTime() - 60_000) });
  await flood(database, analysisId, 1001, 1, { mr: 8, sha: 'c8', at: new Date(hourAgo.getTime() - 60_000) });
  await flood(database, analysisId, 2000, RECENT_OFF_DEFAULT_FAILURES + 5, { mr: 5, sha: 'c9', at: hourAgo });
  const capped = await countSameCommitFailures(database.db, { fingerprint: 'flood', sha: 'c9', exceptJobId: 0 });
  const hidden = await countIntermittentChanges(database.db, q);
  await flood(database, analysisId, 3000, 1, { mr: 9, sha: 'c10', at: new Date() });
  const newest = await countIntermittentChanges(database.db, q);
  return { capped: capped === HISTORY_COUNT_CAP, hidden, newest };
}

export async function answerWorkerQueries(database: TDatabase) {
  const analysis = await analysisOf(database, 1);
  const claims = [await claimAnalysis(database.db, analysis.requestId), await claimAnalysis(database.db, analysis.requestId)];
  await failAnalysis(database.db, analysis.id, { code: 'provider_error', message: 'm' });
  const finished = await claimAnalysis(database.db, analysis.requestId);
  const missing = await claimAnalysis(database.db, '00000000-0000-0000-0000-000000000000');
  await occurrence(database, 11, { ref: 'a', mr: 1, sha: 'c1' });
  await occurrence(database, 12, { ref: 'a', mr: 1, sha: 'c1' });
  await occurrence(database, 13, { ref: 'b', mr: 2, sha: 'c2' });
  await occurrence(database, 14, { ref: 'c', mr: null, sha: 'c3' });
  const since = new Date(Date.now() - 3_600_000);
  const later = new Date(Date.now() + 3_600_000);
  return {
    claims: claims.map((c) => ({ claimed: c?.claimed, status: c?.row.status, attempts: c?.row.attempts })),
    finished: { claimed: finished?.claimed, status: finished?.row.status },
    missing: missing === undefined,
    sameCommit: [
      await countSameCommitFailures(database.db, { fingerprint: 'fp', sha: 'c1', exceptJobId: 11 }),
      await countSameCommitFailures(database.db, { fingerprint: 'fp', sha: 'c1', exceptJobId: 99 }),
      await countSameCommitFailures(database.db, { fingerprint: 'other', sha: 'c1', exceptJobId: 99 }),
    ],
    intermittent: [
      await countIntermittentChanges(database.db, { fingerprint: 'fp', ref: 'a', mergeRequestIid: 1, since }),
      await countIntermittentChanges(database.db, { fingerprint: 'fp', ref: 'a', mergeRequestIid: null, since }),
      await countIntermittentChanges(database.db, { fingerprint: 'fp', ref: null, mergeRequestIid: 2, since }),
      await countIntermittentChanges(database.db, { fingerprint: 'fp', ref: null, mergeRequestIid: null, since }),
      await countIntermittentChanges(database.db, { fingerprint: 'fp', ref: null, mergeRequestIid: null, since: later }),
    ],
    bounded: await boundedCounts(database, analysis.id),
    incident: [await findIncidentByFingerprint(database.db, 'fp'), await findIncidentByFingerprint(database.db, 'none')].map((i) =>
      i === undefined ? null : { occurrences: i.occurrences, title: i.title, lastSeenIsDate: i.lastSeenAt instanceof Date },
    ),
  };
}
export type TWorkerAnswers = Awaited<ReturnType<typeof answerWorkerQueries>>;
