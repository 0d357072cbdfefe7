import { eq } from 'drizzle-orm';
import type { TJobVerdict } from '@cia/contracts';
import { maskSecrets } from '@cia/log-intel';
import { incidentOccurrences, incidents } from '../schema';
import { createTestDatabase, offlineCompletion, type TTestDatabase } from '../testing';
import { claimAnalysis, findAnalysisById, registerFailure } from './analyses.repo';
import { listAnalysisJobs } from './analysis-jobs.repo';
import { completeAnalysisAtOnce, type TKnownOccurrence } from './complete-analysis.repo';
import { findIncidentIds } from './incidents.repo';

// The worker's last write when every incident it names exists: one statement, all or nothing.
let database: TTestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('complete_at_once');
});
afterAll(() => database.drop());

const verdict: TJobVerdict = {
  kind: 'caused_by_change',
  headline: 'new failure',
  evidence: [],
  safe_to_merge: false,
  retry_advised: false,
};

async function runningAnalysis(pipelineId: number): Promise<number> {
  const { requestId } = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: 3, path: 'acme/shop' },
    pipeline: { id: pipelineId, ref: 'feature', sha: 'abc', url: null },
    failedJobs: [{ id: pipelineId * 10, name: 'unit', stage: 'test', status: 'failed' }],
  });
  return (await claimAnalysis(database.db, requestId))!.row.id;
}

const jobOf = (jobId: number, text: string) => ({
  id: jobId,
  name: 'unit',
  stage: 'test',
  status: 'failed',
  failure_reason: 'script_failure',
  allow_failure: false,
  web_url: null,
  excerpt: [{ line: 7, text: maskSecrets(text) }],
  log_bytes: 99,
  log_truncated: false,
});

function occurrenceOf(analysisId: number, jobId: number, incidentId: number | null, pipelineId: number): TKnownOccurrence {
  return {
    incidentId,
    input: {
      analysisId,
      projectId: 3,
      pipelineId,
      jobId,
      jobName: 'unit',
      ref: 'feature',
      sha: 'abc',
      mergeRequestIid: 4,
      onDefaultBranch: false,
      targetBranch: 'main',
      fingerprint: 'fp-at-once',
      verdict,
      facts: null,
      comparedPipelineId: null,
    },
  };
}

async function knownIncident(): Promise<number> {
  await database.db
    .insert(incidents)
    .values({ fingerprint: 'fp-at-once', signature: 's', projectId: 3, jobName: 'unit', title: 'AssertionError', identityLines: [] })
    .onConflictDoNothing();
  const ids = await findIncidentIds(database.db, ['fp-at-once', 'fp-unknown', 'fp-at-once']);
  expect([...ids.keys()]).toEqual(['fp-at-once']);
  return ids.get('fp-at-once')!;
}

test('stores the result, fetch steps, jobs and occurrences together; a retry replaces them and is no new occurrence', async () => {
  const incidentId = await knownIncident();
  const analysisId = await runningAnalysis(901);
  const write = (text: string) => ({
    done: offlineCompletion(null),
    steps: { [`trace:${text}`]: { ok: true } },
    jobs: [jobOf(9010, text)],
    occurrences: [occurrenceOf(analysisId, 9010, incidentId, 901)],
  });

  const first = await completeAnalysisAtOnce(database.db, analysisId, write('first'));
  expect(first).toEqual([expect.objectContaining({ incidentId, fingerprint: 'fp-at-once', newOccurrence: true })]);
  const again = await completeAnalysisAtOnce(database.db, analysisId, write('again'));
  expect(again).toEqual([expect.objectContaining({ incidentId, newOccurrence: false })]);

  const row = await findAnalysisById(database.db, analysisId);
  expect(row).toMatchObject({ status: 'completed', provider: 'offline' });
  expect(Object.keys(row!.fetchState).sort()).toEqual(['trace:again', 'trace:first']);
  expect((await listAnalysisJobs(database.db, analysisId)).map((j) => j.excerpt[0]?.text)).toEqual(['again']);
  const occurrences = await database.db.select().from(incidentOccurrences).where(eq(incidentOccurrences.analysisId, analysisId));
  expect(occurrences).toHaveLength(1);
  expect(occurrences[0]).toMatchObject({ incidentId, jobId: 9010, verdictKind: 'caused_by_change', verdict: { incident_id: incidentId } });
});

test('all or nothing: when one part cannot be stored, neither the result nor the jobs are', async () => {
  const analysisId = await runningAnalysis(902);
  const missingIncident = 987_654_321;
  await expect(
    completeAnalysisAtOnce(database.db, analysisId, {
      done: offlineCompletion(null),
      steps: { 'trace:9020': { ok: true } },
      jobs: [jobOf(9020, 'never stored')],
      occurrences: [occurrenceOf(analysisId, 9020, missingIncident, 902)],
    }),
  ).rejects.toThrow();
  const row = await findAnalysisById(database.db, analysisId);
  expect(row).toMatchObject({ status: 'running', fetchState: {} });
  expect(await listAnalysisJobs(database.db, analysisId)).toEqual([]);
});

test('an analysis without verdicts completes with its jobs in the same one statement', async () => {
  const analysisId = await runningAnalysis(903);
  const sightings = await completeAnalysisAtOnce(database.db, analysisId, {
    done: offlineCompletion(null),
    steps: {},
    jobs: [jobOf(9030, 'no verdicts')],
    occurrences: [],
  });
  expect(sightings).toEqual([]);
  expect(await findAnalysisById(database.db, analysisId)).toMatchObject({ status: 'completed' });
  expect((await listAnalysisJobs(database.db, analysisId)).map((j) => j.id)).toEqual([9030]);
});
