import { Queue, type Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { testConfig } from '@cia/config/testing';
import { ZAnalysisResult, type TJobVerdict } from '@cia/contracts';
import { analyses, findOccurrenceByJob } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createFakeGitLab, type TFakeGitLab, type TFakeJob } from '@cia/gitlab/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { closeRedis, createQueues, createRedisConnection, enqueue, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { addFlakyPipeline, flakyHook, flakyProject, pipelineOf, type TFlakyProject } from './verdicts/retry-harness';
import { eventually } from '@cia/logger/testing';

/**
 * Flaky verification end to end: real ingest (Pipeline Hooks), worker, PostgreSQL and Redis, the
 * fake GitLab. A job judged "likely flaky" in an opted-in project is retried once; the retry's
 * outcome decides the verdict again, in the occurrence, the analysis's result, the note and the stats.
 */
const logger = createLogger({ service: 'test', silent: true });
const TOKEN = 'glpat-retryTOKENabcdefghijkl';
const PASSES: TFlakyProject = { id: 31, path: 'acme/flaky-pass', sha: '31'.repeat(20) };
const FAILS: TFlakyProject = { id: 32, path: 'acme/flaky-fail', sha: '32'.repeat(20) };
const NOT_OPTED_IN: TFlakyProject = { id: 33, path: 'acme/not-opted', sha: '33'.repeat(20) };
const REFUSED: TFlakyProject = { id: 34, path: 'acme/no-api-scope', sha: '34'.repeat(20) };

let gitlab: TFakeGitLab;
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let ingest: TIngestHandle;
let worker: TWorkerHandle;
let connection: ReturnType<typeof createRedisConnection>;
let queues: TQueues;

beforeAll(async () => {
  gitlab = await createFakeGitLab({ token: TOKEN, projects: [PASSES, FAILS, NOT_OPTED_IN, REFUSED].map(flakyProject) });
  database = await createTestDatabase('verdict_retry');
  redis = createTestPrefix('verdict_retry');
  const config = testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    GITLAB_BASE_URL: gitlab.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    VERDICT_BRANCH_CACHE_SECONDS: '0',
    POSTBACK_ENABLED: 'true',
    // By path (checked against the path GitLab gives) and by id.
    VERDICT_RETRY_FLAKY_PROJECTS: 'ACME/flaky-pass, 32, 34',
    VERDICT_RETRY_POLL_SECONDS: '1',
  });
  worker = await startWorker(config, { database, logger });
  ingest = await startIngest(config, { database, logger, port: 0 });
  connection = createRedisConnection(redis.url, 'producer');
  queues = createQueues(connection, redis.prefix);
}, 60_000);

afterAll(async () => {
  await queues?.close();
  if (connection) await closeRedis(connection);
  await ingest?.close();
  await worker?.close();
  await gitlab?.close();
  await database?.drop();
  await redis?.cleanup();
});

const until = eventually;

async function sendHook(hook: ReturnType<typeof flakyHook>): Promise<{ status: string; request_id?: string }> {
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' },
    body: JSON.stringify(hook),
  });
  return (await res.json()) as { status: string; request_id?: string };
}

/** A BullMQ job once it finished (its handler's answer), or undefined when it was never queued. */
async function finished(queue: Queue, id: string): Promise<Job | undefined> {
  const job = await queue.getJob(id);
  if (job === undefined) return undefined;
  await until(`job ${id}`, async () => (['completed', 'failed'].includes(await job.getState()) ? true : undefined));
  return queue.getJob(id);
}

/** The analysis of a failed pipeline sent through ingest, once its job (post back and retry requests included) ended. */
async function analysed(p: TFlakyProject, n: number): Promise<{ requestId: string; verdict: TJobVerdict | undefined }> {
  const { pipelineId, jobId } = pipelineOf(p, n);
  const answer = await sendHook(flakyHook(p, gitlab.baseUrl, { pipelineId, status: 'failed', builds: [{ id: jobId, status: 'failed' }] }));
  const requestId = answer.request_id as string;
  await until(`analysis job of ${p.path} #${n}`, async () => ((await finished(queues.analyze, requestId)) ? true : undefined));
  return { requestId, verdict: (await resultOf(requestId)).failed_jobs.find((j) => j.job_id === jobId)?.verdict };
}

async function resultOf(requestId: string) {
  const view = (await (await fetch(`${ingest.url}/analysis/${requestId}`)).json()) as { status: string; result: unknown };
  expect(view.status).toBe('completed');
  return ZAnalysisResult.parse(view.result);
}

/** Fails, passes, fails on one commit: the third failure's analysis, judged likely flaky. */
async function playFlakyCommit(p: TFlakyProject, retryOutcome?: TFakeJob['retryOutcome']) {
  const first = await analysed(p, 1);
  expect(first.verdict?.kind).not.toBe('likely_flaky');
  // Only a likely_flaky verdict is ever retried: no retry was queued for the first failure.
  expect(await queues.verdicts.getJob(`retry-${p.id}-${pipelineOf(p, 1).jobId}`)).toBeUndefined();
  addFlakyPipeline(gitlab, p, 2, true);
  addFlakyPipeline(gitlab, p, 3, false, retryOutcome);
  const third = await analysed(p, 3);
  expect(third.verdict).toMatchObject({ kind: 'likely_flaky', safe_to_merge: false, retry_advised: true });
  return third;
}

const retryPosts = (p: TFlakyProject) => gitlab.countRequests(new RegExp(`^/projects/${p.id}/jobs/\\d+/retry$`), 'POST');
const noteUpdates = (p: TFlakyProject) => gitlab.countRequests(new RegExp(`^/projects/${p.id}/merge_requests/3/notes/\\d+$`), 'PUT');

/** The retry settled: the look at it that decided the verdict again, and the note posted again. */
async function settled(p: TFlakyProject, requestId: string) {
  const jobId = pipelineOf(p, 3).jobId;
  const retry = await until('the retry job', () => finished(queues.verdicts, `retry-${p.id}-${jobId}`));
  const retryJobId = (retry.returnvalue as { retry_job_id: number }).retry_job_id;
  expect(retryJobId).toBeGreaterThan(jobId);
  const check = await until('the retry settled', async () => {
    const job = await finished(queues.verdicts, `retry-check-${p.id}-${retryJobId}`);
    return job?.returnvalue ? job : undefined;
  });
  const post = await until('the note posted again', () => finished(queues.postback, `post-gitlab-${requestId}-retry-${retryJobId}`));
  return { retryJobId, check: check.returnvalue as { retry: string; verdict: string }, post: post.returnvalue as { outcomes: unknown[] } };
}

test('opted in, the retry passes: one retry, "Flaky (retry passed)", safe to merge, the note edited in place, confirmed 1 of 1', async () => {
  addFlakyPipeline(gitlab, PASSES, 1, false);
  // The retried job is still running at the first look: the check is delayed again.
  const { requestId } = await playFlakyCommit(PASSES, { status: 'success', trace: 'ok\n41 passed', runningLooks: 1 });
  // The analysis's own note goes out through the post-back queue: counted once it went, not while it goes.
  await until('the analysis note', () => finished(queues.postback, `post-gitlab-${requestId}`));
  const notesBefore = noteUpdates(PASSES);
  const { retryJobId, check, post } = await settled(PASSES, requestId);
  expect(check).toEqual({ retry: 'passed', verdict: 'flaky_confirmed' });
  expect(retryPosts(PASSES)).toBe(1);
  expect(gitlab.countRequests(`/projects/${PASSES.id}/jobs/${retryJobId}`, 'GET')).toBe(2);

  const verdict = (await resultOf(requestId)).failed_jobs[0]?.verdict;
  expect(verdict).toMatchObject({ kind: 'flaky_confirmed', headline: 'Flaky (retry passed)', safe_to_merge: true });
  expect(verdict?.evidence).toContainEqual({ kind: 'retry', job_id: retryJobId, status: 'passed' });
  const occurrence = await findOccurrenceByJob(database.db, PASSES.id, pipelineOf(PASSES, 3).jobId);
  expect(occurrence).toMatchObject({ verdictKind: 'flaky_confirmed', safeToMerge: true, retryJobId, retryStatus: 'passed' });

  // One note on the merge request, edited in place from the stored (updated) result.
  expect(post.outcomes).toEqual([expect.objectContaining({ action: 'updated' })]);
  expect(noteUpdates(PASSES)).toBe(notesBefore + 1);
  expect(gitlab.notes.get(`${PASSES.id}:3`)).toHaveLength(1);
  // The note now leads with the new verdict, before the root cause.
  const body = gitlab.notes.get(`${PASSES.id}:3`)?.[0]?.body ?? '';
  expect(body).toContain('**Flaky (retry passed)**');
  expect(body.indexOf('**Flaky (retry passed)**')).toBeLessThan(body.indexOf('**Root cause:**'));
  expect(body).not.toMatch(/Likely flaky/);

  const stats = (await (await fetch(`${ingest.url}/analysis/stats/summary?project_id=${PASSES.id}`)).json()) as {
    verdicts: { flaky: Record<string, unknown> };
  };
  expect(stats.verdicts.flaky).toMatchObject({ retried: 1, pending: 0, confirmed: 1, refuted: 0, confirmed_share: 1 });
});

test('a duplicate or redelivered retry request never retries the job twice', async () => {
  const jobId = pipelineOf(PASSES, 3).jobId;
  // The same job id: BullMQ keeps the finished job, the add is a no-op.
  await enqueue(queues, { job: 'verdict.retry', payload: { project_id: PASSES.id, job_id: jobId } });
  // Past BullMQ's memory (the job removed), the database claim still says no.
  await queues.verdicts.remove(`retry-${PASSES.id}-${jobId}`);
  await enqueue(queues, { job: 'verdict.retry', payload: { project_id: PASSES.id, job_id: jobId } });
  const again = await until('the second request', () => finished(queues.verdicts, `retry-${PASSES.id}-${jobId}`));
  expect(again.returnvalue).toEqual({ skipped: 'verdict is flaky_confirmed, not likely_flaky' });
  expect(retryPosts(PASSES)).toBe(1);
});

test('opted in, the retry fails too: the suspicion is refuted, not safe to merge; a second failed hook of the pipeline keeps it', async () => {
  addFlakyPipeline(gitlab, FAILS, 1, false);
  const { requestId } = await playFlakyCommit(FAILS, { status: 'failed', failure_reason: 'script_failure' });
  const { retryJobId, check } = await settled(FAILS, requestId);
  // Failed and passed on this commit stays true; the verdict says the retry failed too and advises no other.
  expect(check).toEqual({ retry: 'failed', verdict: 'likely_flaky' });
  expect(retryPosts(FAILS)).toBe(1);
  const verdict = (await resultOf(requestId)).failed_jobs[0]?.verdict;
  expect(verdict).toMatchObject({ kind: 'likely_flaky', safe_to_merge: false, retry_advised: false });
  expect(verdict?.headline).toMatch(/; the retry failed too$/);
  expect(verdict?.evidence).toContainEqual({ kind: 'retry', job_id: retryJobId, status: 'failed' });

  // GitLab's Pipeline Hook once the retried job failed: the pipeline failed again with the retried job.
  const { pipelineId } = pipelineOf(FAILS, 3);
  const answer = await sendHook(
    flakyHook(FAILS, gitlab.baseUrl, { pipelineId, status: 'failed', builds: [{ id: retryJobId, status: 'failed' }] }),
  );
  expect(answer).toMatchObject({ status: 'duplicate', request_id: requestId });
  const stored = await database.db.select().from(analyses).where(eq(analyses.pipelineId, pipelineId));
  expect(stored).toHaveLength(1);
  expect((await resultOf(requestId)).failed_jobs[0]?.verdict).toEqual(verdict);
  expect(await findOccurrenceByJob(database.db, FAILS.id, pipelineOf(FAILS, 3).jobId)).toMatchObject({ retryJobId, retryStatus: 'failed' });

  const stats = (await (await fetch(`${ingest.url}/analysis/stats/summary?project_id=${FAILS.id}`)).json()) as {
    verdicts: { flaky: Record<string, unknown> };
  };
  expect(stats.verdicts.flaky).toMatchObject({ retried: 1, confirmed: 0, refuted: 1, confirmed_share: 0 });
});

test('the pipeline turned green by a passing retry: its hook starts no analysis and the retry result stays', async () => {
  const { pipelineId } = pipelineOf(PASSES, 3);
  const occurrence = await findOccurrenceByJob(database.db, PASSES.id, pipelineOf(PASSES, 3).jobId);
  const answer = await sendHook(
    flakyHook(PASSES, gitlab.baseUrl, { pipelineId, status: 'success', builds: [{ id: occurrence?.retryJobId ?? 0, status: 'success' }] }),
  );
  expect(answer.status).not.toBe('accepted');
  expect(await database.db.select().from(analyses).where(eq(analyses.pipelineId, pipelineId))).toHaveLength(1);
  expect(await findOccurrenceByJob(database.db, PASSES.id, pipelineOf(PASSES, 3).jobId)).toMatchObject({
    verdictKind: 'flaky_confirmed',
    retryStatus: 'passed',
  });
});

test('a project not opted in: likely flaky, never retried', async () => {
  addFlakyPipeline(gitlab, NOT_OPTED_IN, 1, false);
  const { verdict } = await playFlakyCommit(NOT_OPTED_IN, { status: 'success' });
  // The list names a path, so the job asks GitLab for this project's path, and stops there.
  const request = await until('the retry request', () =>
    finished(queues.verdicts, `retry-${NOT_OPTED_IN.id}-${pipelineOf(NOT_OPTED_IN, 3).jobId}`),
  );
  expect(request.returnvalue).toEqual({ skipped: 'project not in VERDICT_RETRY_FLAKY_PROJECTS' });
  expect(retryPosts(NOT_OPTED_IN)).toBe(0);
  expect(verdict?.kind).toBe('likely_flaky');
  expect(await findOccurrenceByJob(database.db, NOT_OPTED_IN.id, pipelineOf(NOT_OPTED_IN, 3).jobId)).toMatchObject({
    retryJobId: null,
    retryStatus: null,
  });
});

test('GitLab refusing the retry (403) is recorded on the occurrence and fails nothing', async () => {
  addFlakyPipeline(gitlab, REFUSED, 1, false);
  gitlab.fail({
    method: 'POST',
    path: new RegExp(`^/projects/${REFUSED.id}/jobs/\\d+/retry$`),
    status: 403,
    body: { message: '403 Forbidden' },
  });
  const { requestId } = await playFlakyCommit(REFUSED, { status: 'success' });
  const jobId = pipelineOf(REFUSED, 3).jobId;
  const request = await until('the retry request', () => finished(queues.verdicts, `retry-${REFUSED.id}-${jobId}`));
  expect(request.returnvalue).toMatchObject({ refused: { status: 403 } });
  const occurrence = await findOccurrenceByJob(database.db, REFUSED.id, jobId);
  expect(occurrence).toMatchObject({ verdictKind: 'likely_flaky', retryJobId: null, retryStatus: null });
  expect(occurrence?.facts).toMatchObject({ retryRefused: { status: 403 } });
  expect((await resultOf(requestId)).failed_jobs[0]?.verdict?.kind).toBe('likely_flaky');
});
