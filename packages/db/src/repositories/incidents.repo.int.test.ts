import type { TAnalysisResult, TJobVerdict } from '@cia/contracts';
import { createTestDatabase, offlineCompletion, type TTestDatabase } from '../testing';
import { completeAnalysisWithJobs, findAnalysisByRequestId, registerFailure } from './analyses.repo';
import { countIntermittentChanges, countSameCommitFailures, fingerprintsOfJobs } from './incident-history.repo';
import {
  findOccurrenceByJob,
  findOccurrenceByRetryJob,
  listAnalysisOccurrences,
  replaceJobVerdict,
  setOccurrenceRetry,
  toIncidentView,
} from './incident-views.repo';
import {
  findIncident,
  findIncidentByFingerprint,
  hasOpenDefaultBranchIncidents,
  applySightings,
  insertOccurrence,
  markIncidentsFixed,
  recordOccurrence,
  type TIncidentSighting,
  type TOccurrenceInput,
} from './incidents.repo';

/** Incidents and their occurrences as the worker records them, and the lookups verdicts make. */
let database: TTestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('incidents');
});
afterAll(() => database.drop());

const verdict = (kind: TJobVerdict['kind']): TJobVerdict => ({
  kind,
  headline: kind,
  evidence: [],
  safe_to_merge: false,
  retry_advised: false,
});
let nextJob = 1;

/** An analysis of pipeline `pipelineId` (its own row, as the worker has one per pipeline). */
async function analysisOf(pipelineId: number, projectId = 7): Promise<number> {
  const { analysisId } = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: projectId, path: `acme/p${projectId}` },
    pipeline: { id: pipelineId, ref: 'main', sha: null, url: null },
    failedJobs: [{ id: pipelineId, name: 'test', stage: 'test', status: 'failed' }],
  });
  return analysisId;
}

async function inputFor(
  fingerprint: string,
  where: Partial<TOccurrenceInput> & { pipelineId: number },
  kind: TJobVerdict['kind'] = 'caused_by_change',
): Promise<TOccurrenceInput> {
  const projectId = where.projectId ?? 7;
  return {
    analysisId: where.analysisId ?? (await analysisOf(where.pipelineId, projectId)),
    projectId,
    jobId: nextJob++,
    jobName: 'test',
    ref: 'main',
    sha: `sha-${where.pipelineId}`,
    mergeRequestIid: null,
    onDefaultBranch: true,
    targetBranch: 'main',
    fingerprint,
    verdict: verdict(kind),
    facts: null,
    comparedPipelineId: null,
    incident: {
      fingerprint,
      signature: `sig-${fingerprint}`,
      projectId,
      jobName: 'test',
      failureReason: 'script_failure',
      category: 'test',
      title: 'AssertionError',
      identityLines: ['AssertionError'],
      defaultBranch: 'main',
    },
    ...where,
  };
}

async function record(
  fingerprint: string,
  where: Partial<TOccurrenceInput> & { pipelineId: number },
  kind: TJobVerdict['kind'] = 'caused_by_change',
) {
  const input = await inputFor(fingerprint, where, kind);
  return { input, ...(await database.db.transaction((tx) => recordOccurrence(tx, input))) };
}

test('failures with one fingerprint form one incident: counted once per job, with the red streak on the default branch', async () => {
  const first = await record('fp-streak', { pipelineId: 100 });
  const again = await database.db.transaction((tx) => recordOccurrence(tx, { ...first.input, verdict: verdict('already_failing') }));
  expect(again).toEqual({ occurrenceId: first.occurrenceId, incidentId: first.incidentId });
  await record('fp-streak', { pipelineId: 101 });
  await record('fp-streak', { pipelineId: 102, ref: 'feature', onDefaultBranch: false, mergeRequestIid: 4 });

  const incident = await findIncident(database.db, first.incidentId!);
  expect(incident).toMatchObject({
    occurrences: 3,
    status: 'open',
    failingSincePipelineId: 100,
    failingSinceSha: 'sha-100',
    lastDefaultPipelineId: 101,
  });
  expect(toIncidentView(incident!)).toMatchObject({ failing_since: { pipeline_id: 100, sha: 'sha-100' }, fixed: null, occurrences: 3 });
  expect(await hasOpenDefaultBranchIncidents(database.db, 7)).toBe(true);
  expect((await listAnalysisOccurrences(database.db, first.input.analysisId)).map((o) => o.verdictKind)).toEqual(['already_failing']);
});

test('analyses seeing a new fingerprint at once open one incident between them, each job counted', async () => {
  const inputs = await Promise.all([200, 201, 202].map((pipelineId) => inputFor('fp-race', { pipelineId: 1000 + pipelineId })));
  // Each transaction takes the row lock after the others may have created the incident: none of them fails.
  const recorded = await Promise.all(inputs.map((input) => database.db.transaction((tx) => recordOccurrence(tx, input))));
  const ids = new Set(recorded.map((r) => r.incidentId));
  expect(ids.size).toBe(1);
  expect(await findIncident(database.db, recorded[0]!.incidentId!)).toMatchObject({
    occurrences: 3,
    fingerprint: 'fp-race',
    title: 'AssertionError',
  });
});

test('a green default-branch pipeline fixes the incidents of the jobs it passed, never with an older pipeline', async () => {
  const { incidentId } = await record('fp-fix', { pipelineId: 200, projectId: 8 });
  await record('fp-fix', { pipelineId: 202, projectId: 8 });
  expect(await markIncidentsFixed(database.db, { projectId: 8, pipelineId: 201, sha: 'sha-201', passedJobNames: ['test'] })).toEqual([]);
  expect(await markIncidentsFixed(database.db, { projectId: 8, pipelineId: 203, sha: 'sha-203', passedJobNames: ['lint'] })).toEqual([]);
  const fixed = await markIncidentsFixed(database.db, { projectId: 8, pipelineId: 203, sha: 'sha-203', passedJobNames: ['lint', 'test'] });
  expect(fixed.map((i) => i.id)).toEqual([incidentId]);
  expect(await findIncident(database.db, incidentId!)).toMatchObject({
    status: 'fixed',
    fixedPipelineId: 203,
    fixedSha: 'sha-203',
    failingSincePipelineId: null,
  });
  expect(await hasOpenDefaultBranchIncidents(database.db, 8)).toBe(false);

  // A merge request still failing with it has not rebased: no regression. An older main pipeline analysed late neither.
  await record('fp-fix', { pipelineId: 204, projectId: 8, ref: 'topic', onDefaultBranch: false, mergeRequestIid: 9 });
  await record('fp-fix', { pipelineId: 199, projectId: 8 });
  expect(await findIncident(database.db, incidentId!)).toMatchObject({ status: 'fixed', occurrences: 4 });
  // A newer failure on main reopens it, with a new streak.
  await record('fp-fix', { pipelineId: 205, projectId: 8 });
  expect(await findIncident(database.db, incidentId!)).toMatchObject({
    status: 'open',
    fixedPipelineId: null,
    failingSincePipelineId: 205,
    occurrences: 5,
  });
});

test('a failure without a log is recorded with its verdict but joins no incident', async () => {
  const { incidentId, occurrenceId } = await record('fp-nolog', { pipelineId: 300, incident: undefined }, 'undetermined');
  expect(incidentId).toBeNull();
  expect(occurrenceId).toBeGreaterThan(0);
  expect(await findIncidentByFingerprint(database.db, 'fp-nolog')).toBeUndefined();
});

test('history lookups: the fingerprint of an analysed job, failures on one commit, changes where it came and went', async () => {
  const a = await record('fp-hist', { pipelineId: 400, projectId: 9, sha: 'c1', ref: 'a', onDefaultBranch: false, mergeRequestIid: 1 });
  await record('fp-hist', { pipelineId: 401, projectId: 9, sha: 'c1', ref: 'a', onDefaultBranch: false, mergeRequestIid: 1 });
  await record('fp-hist', { pipelineId: 402, projectId: 9, sha: 'c2', ref: 'b', onDefaultBranch: false, mergeRequestIid: 2 });
  await record(
    'fp-hist',
    { pipelineId: 403, projectId: 9, sha: 'c3', ref: 'c', onDefaultBranch: false, mergeRequestIid: 3 },
    'already_failing',
  );
  await record('fp-hist', { pipelineId: 404, projectId: 9, sha: 'c4', ref: 'd', onDefaultBranch: false, mergeRequestIid: null });

  expect(await fingerprintsOfJobs(database.db, 9, [a.input.jobId, 999_999])).toEqual(new Map([[a.input.jobId, 'fp-hist']]));
  expect(await countSameCommitFailures(database.db, { fingerprint: 'fp-hist', sha: 'c1', exceptJobId: a.input.jobId })).toBe(1);
  expect(await countSameCommitFailures(database.db, { fingerprint: 'other', sha: 'c1', exceptJobId: a.input.jobId })).toBe(0);
  const since = new Date(Date.now() - 3_600_000);
  // MR 1 itself and MR 3 (explained by its target branch) do not count: MR 2 and branch d do.
  expect(await countIntermittentChanges(database.db, { fingerprint: 'fp-hist', ref: 'a', mergeRequestIid: 1, since })).toBe(2);
  expect(await countIntermittentChanges(database.db, { fingerprint: 'fp-hist', ref: 'd', mergeRequestIid: null, since })).toBe(2);
  expect(
    await countIntermittentChanges(database.db, {
      fingerprint: 'fp-hist',
      ref: 'a',
      mergeRequestIid: 1,
      since: new Date(Date.now() + 60_000),
    }),
  ).toBe(0);
});

test('a retry is recorded on the occurrence and a verdict decided again replaces it in the analysis result too', async () => {
  const analysisId = await analysisOf(500);
  const result = {
    summary: 's',
    failed_jobs: [
      { job_id: 51, name: 'test', stage: 'test', excerpt: [], findings: [], verdict: verdict('likely_flaky') },
      { job_id: 52, name: 'lint', stage: 'test', excerpt: [], findings: [] },
    ],
  } as unknown as TAnalysisResult;
  const input = await inputFor('fp-retry', { pipelineId: 500, analysisId, jobId: 51 }, 'likely_flaky');
  await completeAnalysisWithJobs(database.db, analysisId, offlineCompletion(result), {}, [], async (tx) => {
    await recordOccurrence(tx, input);
  });
  const occurrence = (await findOccurrenceByJob(database.db, 7, 51))!;
  await setOccurrenceRetry(database.db, occurrence.id, { jobId: 5100, status: 'pending' });
  expect(await findOccurrenceByRetryJob(database.db, 7, 5100)).toMatchObject({ id: occurrence.id, retryStatus: 'pending' });

  const confirmed = { ...verdict('flaky_confirmed'), safe_to_merge: true };
  await replaceJobVerdict(database.db, occurrence, confirmed);
  expect(await findOccurrenceByJob(database.db, 7, 51)).toMatchObject({ verdictKind: 'flaky_confirmed', safeToMerge: true });
  const stored = await database.db.query.analyses.findFirst({ where: (a, { eq }) => eq(a.id, analysisId) });
  expect(stored?.result?.failed_jobs.map((j) => j.verdict?.kind ?? null)).toEqual(['flaky_confirmed', null]);
  expect((await findAnalysisByRequestId(database.db, stored!.requestId))?.result?.summary).toBe('s');
});

/** The worker's persist step for one job: its occurrence in the analysis's transaction (which waits for `hold`), the incident after the commit. */
async function persistOccurrence(input: TOccurrenceInput, hold: Promise<void> = Promise.resolve()): Promise<void> {
  let sightings: TIncidentSighting[] = [];
  await completeAnalysisWithJobs(database.db, input.analysisId, offlineCompletion(null), {}, [], async (tx) => {
    const { sighting } = await insertOccurrence(tx, input);
    sightings = sighting ? [sighting] : [];
    await hold;
  });
  await applySightings(database.db, sightings);
}

test('an analysis still writing does not hold up another one of the same incident; each is counted once it commits', async () => {
  const off = { onDefaultBranch: false, ref: 'feature', mergeRequestIid: 9 };
  const [first, slow, quick] = await Promise.all([700, 701, 702].map((pipelineId) => inputFor('fp-concurrent', { pipelineId, ...off })));
  await persistOccurrence(first!);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const slowDone = persistOccurrence(slow!, held);
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Before: the slow analysis held the incident's row lock to its commit, and the quick one waited for it.
  const quickOutcome = await Promise.race([
    persistOccurrence(quick!).then(() => 'done'),
    new Promise((resolve) => setTimeout(() => resolve('blocked'), 5_000)),
  ]);
  const whileHeld = (await findIncidentByFingerprint(database.db, 'fp-concurrent'))?.occurrences;
  release();
  await slowDone;
  expect(quickOutcome).toBe('done');
  expect(whileHeld).toBe(2);
  expect(await findIncidentByFingerprint(database.db, 'fp-concurrent')).toMatchObject({
    occurrences: 3,
    status: 'open',
    failingSincePipelineId: null,
  });
});
