import { eq } from 'drizzle-orm';
import type { TJobVerdict } from '@cia/contracts';
import { maskSecrets } from '@cia/log-intel';
import { incidentOccurrences, incidents } from '../schema';
import { createTestDatabase, offlineCompletion, type TTestDatabase } from '../testing';
import { claimAnalysis, completeAnalysisWithJobs, findAnalysisById, findAnalysisByRequestId, registerFailure } from './analyses.repo';
import { listAnalysisJobs, saveFetchedJobs } from './analysis-jobs.repo';
import { completeAnalysisAtOnce, type TKnownOccurrence } from './complete-analysis.repo';
import { findIncidentIds } from './incidents.repo';

/** The worker's writes: claim, then either "fetched but not done" (for the retry) or completion. */
type TRow = NonNullable<Awaited<ReturnType<typeof findAnalysisByRequestId>>>;

describe('worker writes', () => {
  let database: TTestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('worker_writes');
  });
  afterAll(() => database.drop());

  const register = (pipelineId: number) =>
    registerFailure(database.db, {
      trigger: 'webhook',
      project: { id: 1, path: 'acme/shop' },
      pipeline: { id: pipelineId, ref: 'main', sha: null, url: null },
      failedJobs: [{ id: pipelineId * 10, name: 'unit', stage: 'test', status: 'failed' }],
    });
  const job = (id: number, excerpt: string) => ({
    id,
    name: 'unit',
    stage: 'test',
    status: 'failed',
    failure_reason: 'script_failure',
    allow_failure: false,
    web_url: null,
    excerpt: [{ line: 3, text: maskSecrets(excerpt) }],
    log_bytes: 120,
    log_truncated: false,
  });

  test('claim marks a queued analysis running once per attempt, and hands back a finished one unclaimed', async () => {
    const { requestId } = await register(101);
    const first = await claimAnalysis(database.db, requestId);
    expect(first).toMatchObject({ claimed: true, row: { status: 'running', attempts: 1 } });
    expect(first?.row.startedAt).toBeInstanceOf(Date);
    const again = await claimAnalysis(database.db, requestId);
    expect(again).toMatchObject({ claimed: true, row: { attempts: 2, startedAt: first?.row.startedAt } });

    const id = first!.row.id;
    await completeAnalysisWithJobs(
      database.db,
      id,
      {
        result: null,
        provider: 'openai',
        model: 'm',
        promptVersion: 'v1',
        inputTokens: 3,
        outputTokens: 4,
        costUsd: 0.5,
        cacheHit: false,
        timings: { total_ms: 7 },
      },
      {},
      [],
    );
    expect(await claimAnalysis(database.db, requestId)).toMatchObject({ claimed: false, row: { status: 'completed', attempts: 2 } });
    expect(await claimAnalysis(database.db, '00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  test('a failed attempt keeps its fetch steps and jobs; completion replaces the jobs and merges the steps', async () => {
    const { requestId } = await register(102);
    const { row } = (await claimAnalysis(database.db, requestId))!;
    await saveFetchedJobs(
      database.db,
      row.id,
      { project: { record: { step: 'project', ok: true }, data: { id: 1 } }, provider_errors: [{ provider: 'openai', code: 'http_500' }] },
      [job(1020, 'first try')],
    );
    const saved = await findAnalysisByRequestId(database.db, requestId);
    expect(saved?.fetchState).toMatchObject({ project: { data: { id: 1 } }, provider_errors: [{ provider: 'openai', code: 'http_500' }] });
    expect((await listAnalysisJobs(database.db, row.id)).map((j) => j.excerpt)).toEqual([[{ line: 3, text: 'first try' }]]);

    const result = { category: 'test', severity: 'high', fingerprint: 'fp-1' } as unknown as NonNullable<typeof row.result>;
    await completeAnalysisWithJobs(
      database.db,
      row.id,
      {
        result,
        provider: 'openai',
        model: 'gpt',
        promptVersion: 'v1',
        inputTokens: 10,
        outputTokens: 20,
        costUsd: 0.25,
        cacheHit: true,
        timings: { fetch_ms: 5, total_ms: 9 },
      },
      { 'trace:1020': { record: { step: 'trace:1020', ok: true } } },
      [job(1020, 'second try')],
    );
    const done = await findAnalysisByRequestId(database.db, requestId);
    expect(done).toMatchObject({
      status: 'completed',
      category: 'test',
      severity: 'high',
      fingerprint: 'fp-1',
      provider: 'openai',
      model: 'gpt',
      inputTokens: 10,
      outputTokens: 20,
      costUsd: 0.25,
      cacheHit: true,
      timings: { fetch_ms: 5, total_ms: 9 },
      error: null,
      result,
    });
    expect(done?.completedAt).toBeInstanceOf(Date);
    expect(Object.keys(done?.fetchState ?? {}).sort()).toEqual(['project', 'provider_errors', 'trace:1020']);
    const jobs = await listAnalysisJobs(database.db, row.id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      id: 1020,
      failure_reason: 'script_failure',
      log_bytes: 120,
      excerpt: [{ line: 3, text: 'second try' }],
    });
  });

  test('concurrent claims count one attempt each, the same analysis twice counting twice', async () => {
    const a = await register(104);
    const b = await register(105);
    const c = await register(106);
    const claims = await Promise.all([
      claimAnalysis(database.db, a.requestId),
      claimAnalysis(database.db, b.requestId),
      claimAnalysis(database.db, a.requestId),
      claimAnalysis(database.db, c.requestId),
    ]);
    expect(claims.map((x) => [x?.row.requestId, x?.claimed, x?.row.status])).toEqual([
      [a.requestId, true, 'running'],
      [b.requestId, true, 'running'],
      [a.requestId, true, 'running'],
      [c.requestId, true, 'running'],
    ]);
    expect(claims.map((x) => x?.row.attempts).sort()).toEqual([1, 1, 1, 2]);
    expect((await findAnalysisByRequestId(database.db, a.requestId))?.attempts).toBe(2);
    // A finished one and a missing one at the same time.
    await completeAnalysisWithJobs(
      database.db,
      claims[1]!.row.id,
      {
        result: null,
        provider: 'openai',
        model: 'm',
        promptVersion: 'v1',
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
        cacheHit: false,
        timings: {},
      },
      {},
      [],
    );
    const [finished, missing, again] = await Promise.all([
      claimAnalysis(database.db, b.requestId),
      claimAnalysis(database.db, '00000000-0000-0000-0000-000000000001'),
      claimAnalysis(database.db, c.requestId),
    ]);
    expect(finished).toMatchObject({ claimed: false, row: { status: 'completed' } });
    expect(missing).toBeUndefined();
    expect(again).toMatchObject({ claimed: true, row: { attempts: 2 } });
  });

  test('concurrent completions are each stored whole; a bad one fails alone', async () => {
    const regs = await Promise.all([register(107), register(108), register(109)]);
    const rows = await Promise.all(regs.map((r) => claimAnalysis(database.db, r.requestId)));
    const ids = rows.map((r) => r!.row.id);
    const done = (total: number) => ({
      result: { category: 'test', severity: 'low', fingerprint: `fp-${total}` } as unknown as NonNullable<TRow['result']>,
      provider: 'openai',
      model: 'm',
      promptVersion: 'v1',
      inputTokens: total,
      outputTokens: 2,
      costUsd: 0.125,
      cacheHit: false,
      timings: { total_ms: total },
    });
    await Promise.all([
      completeAnalysisWithJobs(database.db, ids[0]!, done(1), { 'trace:1070': { record: { ok: true } } }, [job(1070, 'a'), job(1071, 'b')]),
      completeAnalysisWithJobs(database.db, ids[1]!, done(2), {}, [job(1080, 'c')]),
    ]);
    // Completed again (a retried job): the result replaced, the jobs upserted, the steps merged.
    await completeAnalysisWithJobs(database.db, ids[0]!, done(3), {}, [job(1070, 'a again')]);
    const first = await findAnalysisByRequestId(database.db, regs[0]!.requestId);
    expect(first).toMatchObject({ status: 'completed', inputTokens: 3, costUsd: 0.125, fingerprint: 'fp-3', timings: { total_ms: 3 } });
    expect(first?.fetchState).toMatchObject({ 'trace:1070': { record: { ok: true } } });
    expect((await listAnalysisJobs(database.db, ids[0]!)).map((j) => [j.id, j.excerpt[0]?.text]).sort()).toEqual([
      [1070, 'a again'],
      [1071, 'b'],
    ]);
    expect(await findAnalysisByRequestId(database.db, regs[1]!.requestId)).toMatchObject({
      status: 'completed',
      category: 'test',
      severity: 'low',
      inputTokens: 2,
    });

    const bad = { ...done(4), timings: null as unknown as Record<string, number> };
    const outcomes = await Promise.allSettled([
      completeAnalysisWithJobs(database.db, ids[2]!, bad, {}, []),
      completeAnalysisWithJobs(database.db, ids[1]!, done(5), {}, []),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    expect(await findAnalysisByRequestId(database.db, regs[2]!.requestId)).toMatchObject({ status: 'running' });
    expect(await findAnalysisByRequestId(database.db, regs[1]!.requestId)).toMatchObject({ inputTokens: 5 });
  });

  // The last write when every incident it names exists: one statement, all or nothing (completeAnalysisAtOnce).
  async function runningAnalysis(pipelineId: number): Promise<number> {
    const { requestId } = await register(pipelineId);
    return (await claimAnalysis(database.db, requestId))!.row.id;
  }
  const verdict: TJobVerdict = {
    kind: 'caused_by_change',
    headline: 'new failure',
    evidence: [],
    safe_to_merge: false,
    retry_advised: false,
  };

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
      jobs: [job(9010, text)],
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
    expect(occurrences[0]).toMatchObject({
      incidentId,
      jobId: 9010,
      verdictKind: 'caused_by_change',
      verdict: { incident_id: incidentId },
    });
  });

  test('all or nothing: when one part cannot be stored, neither the result nor the jobs are', async () => {
    const analysisId = await runningAnalysis(902);
    const missingIncident = 987_654_321;
    await expect(
      completeAnalysisAtOnce(database.db, analysisId, {
        done: offlineCompletion(null),
        steps: { 'trace:9020': { ok: true } },
        jobs: [job(9020, 'never stored')],
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
      jobs: [job(9030, 'no verdicts')],
      occurrences: [],
    });
    expect(sightings).toEqual([]);
    expect(await findAnalysisById(database.db, analysisId)).toMatchObject({ status: 'completed' });
    expect((await listAnalysisJobs(database.db, analysisId)).map((j) => j.id)).toEqual([9030]);
  });
});
