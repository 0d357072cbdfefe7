import { Queue, Worker } from 'bullmq';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createGitLabClient } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';
import { createLogger } from '@cia/logger';
import { enqueuePostbackJobs, verifySignature, SIGNATURE_HEADER, type TPostbackSettings } from '@cia/postback';
import {
  PROJECT,
  SHA_MR,
  postbackSettings,
  sampleResult,
  seedAnalysis,
  startFakeReceiver,
  verdictOf,
  type TFakeReceiver,
} from '@cia/postback/testing';
import { QUEUE_NAMES, closeRedis, createJobProcessor, createRedisConnection, enqueue } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { incidentDigestJob, newIncidentJob, postIncidentDigestJob } from './incident-notices';
import { markPipelineFixedJob } from './mark-pipeline-fixed';
import { postAnalysisJob } from './post-analysis';
import { eventually } from '@cia/logger/testing';

const logger = createLogger({ service: 'test', silent: true });
const SECRET = 'webhook-secret-for-tests';
/** Short retries so a failing attempt is retried within the test. */
const FAST = { backoff: { type: 'fixed', delay: 20 } } as const;

let database: TTestDatabase;
let fake: TFakeGitLab;
let slack: TFakeReceiver;
let hook: TFakeReceiver;
const prefixes: ReturnType<typeof createTestPrefix>[] = [];
const closers: (() => Promise<void>)[] = [];
let nextPipeline = 500;

type TRig = { queue: Queue; worker: Worker };

/** A post-back queue and worker as start.ts builds them, on a fresh key prefix. */
function startRig(settings: TPostbackSettings, options: { limiter?: { max: number; duration: number } } = {}): TRig {
  const redis = createTestPrefix('postback');
  prefixes.push(redis);
  const connection = createRedisConnection(redis.url, 'worker');
  const queue = new Queue(QUEUE_NAMES.postback, { connection, prefix: redis.prefix });
  const gitlab = createGitLabClient({ baseUrl: fake.baseUrl, retries: 1, baseDelayMs: 1, maxServerWaitMs: 10 });
  const deps = { db: database.db, logger, settings, gitlab, rateLimit: (ms: number) => queue.rateLimit(ms), queues: { postback: queue } };
  const processor = createJobProcessor(QUEUE_NAMES.postback, {
    'analysis.post': postAnalysisJob(deps),
    'pipeline.fixed': markPipelineFixedJob(deps),
    'incidents.digest': incidentDigestJob(deps),
    'incidents.digest.post': postIncidentDigestJob(deps),
    'incident.new': newIncidentJob(deps),
  });
  const worker = new Worker(QUEUE_NAMES.postback, processor, {
    connection,
    prefix: redis.prefix,
    concurrency: 2,
    limiter: options.limiter ?? { max: 60, duration: 60_000 },
  });
  closers.push(async () => {
    await worker.close();
    await queue.close();
    await closeRedis(connection);
  });
  return { queue, worker };
}

const waitFor = (check: () => boolean | Promise<boolean>, what: string) => eventually(what, check);

/** A merge request pipeline GitLab knows (its ref names the merge request) and its completed analysis. */
function mrAnalysis(iid: number, options: Parameters<typeof seedAnalysis>[2] = {}) {
  const id = nextPipeline++;
  fake.addPipeline(PROJECT.id, {
    id,
    ref: `refs/merge-requests/${iid}/head`,
    sha: SHA_MR,
    status: 'failed',
    source: 'merge_request_event',
  });
  return seedAnalysis(database.db, { id, merge_request_iid: iid }, options);
}

const counts = (queue: Queue) => queue.getJobCounts('completed', 'failed', 'wait', 'delayed', 'active', 'prioritized');
const notesOf = (iid: number) => fake.notes.get(`${PROJECT.id}:${iid}`) ?? [];

beforeAll(async () => {
  database = await createTestDatabase('postback_worker');
  fake = await createFakeGitLab({
    projects: [
      { id: PROJECT.id, path_with_namespace: PROJECT.path, mergeRequests: Array.from({ length: 40 }, (_, i) => ({ iid: i + 1 })) },
    ],
  });
  slack = await startFakeReceiver();
  hook = await startFakeReceiver();
});

afterAll(async () => {
  for (const close of closers) await close();
  await fake?.close();
  await slack?.close();
  await hook?.close();
  await database?.drop();
  for (const p of prefixes) await p.cleanup();
});

test('a burst of posts is held to the rate limit: only `max` notes are created per window, the rest wait', async () => {
  const { queue } = startRig(postbackSettings(), { limiter: { max: 3, duration: 60_000 } });
  for (let iid = 11; iid <= 16; iid++) {
    const row = await mrAnalysis(iid);
    await enqueue({ postback: queue }, { job: 'analysis.post', payload: { request_id: row.requestId, channel: 'gitlab' } });
  }
  await waitFor(async () => (await counts(queue)).completed === 3, 'three posts');
  // Give the worker every chance to overrun the limit before counting.
  await new Promise((r) => setTimeout(r, 300));
  const c = await counts(queue);
  expect(c.completed).toBe(3);
  expect((c.wait ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0)).toBe(3);
  expect(fake.countRequests(/\/merge_requests\/1[1-6]\/notes$/, 'POST')).toBe(3);
  expect(await queue.getRateLimitTtl()).toBeGreaterThan(0);
});

test('a 5xx from GitLab on the note POST is retried by the queue and ends in exactly one note', async () => {
  const { queue } = startRig(postbackSettings());
  fake.fail({ method: 'POST', path: '/projects/1/merge_requests/20/notes', status: 502, times: 2 });
  const row = await mrAnalysis(20);
  await enqueue({ postback: queue }, { job: 'analysis.post', payload: { request_id: row.requestId, channel: 'gitlab' }, options: FAST });
  await waitFor(async () => (await counts(queue)).completed === 1, 'the post');
  const [job] = await queue.getJobs(['completed']);
  expect(job?.attemptsMade).toBe(3);
  expect(fake.countRequests('/projects/1/merge_requests/20/notes', 'POST')).toBe(3);
  expect(notesOf(20)).toHaveLength(1);
});

test('a 429 asking to wait pauses the whole queue for that long, then the note is posted', async () => {
  const { queue } = startRig(postbackSettings());
  fake.fail({
    method: 'POST',
    path: '/projects/1/merge_requests/21/notes',
    status: 429,
    headers: { 'Retry-After': '1' },
    body: 'Retry later',
    times: 1,
  });
  const row = await mrAnalysis(21);
  await enqueue({ postback: queue }, { job: 'analysis.post', payload: { request_id: row.requestId, channel: 'gitlab' }, options: FAST });
  await waitFor(async () => fake.countRequests('/projects/1/merge_requests/21/notes', 'POST') >= 1, 'the first POST');
  await waitFor(async () => (await queue.getRateLimitTtl()) > 0, 'the queue rate limit');
  await waitFor(async () => (await counts(queue)).completed === 1, 'the post after the pause');
  const [job] = await queue.getJobs(['completed']);
  // Waiting for the rate limit is not a failed attempt.
  expect(job?.attemptsMade).toBe(1);
  expect(notesOf(21)).toHaveLength(1);
});

test('projects outside POSTBACK_PROJECTS and a disabled post-back are left untouched', async () => {
  const { queue } = startRig(postbackSettings({ projects: ['other/group', '999'], slackWebhookUrl: slack.url }));
  const row = await mrAnalysis(22);
  const writes = () => fake.requests.filter((r) => r.method !== 'GET').length;
  const before = writes();
  expect(
    await enqueuePostbackJobs({ postback: queue }, postbackSettings({ projects: ['other/group', '999'], slackWebhookUrl: slack.url }), row),
  ).toEqual([]);
  expect(await enqueuePostbackJobs({ postback: queue }, postbackSettings({ enabled: false }), row)).toEqual([]);
  // A job queued before the project left the allow list is skipped when it runs.
  await enqueue({ postback: queue }, { job: 'analysis.post', payload: { request_id: row.requestId, channel: 'gitlab' }, options: FAST });
  await waitFor(async () => (await counts(queue)).completed === 1, 'the skipped job');
  const [job] = await queue.getJobs(['completed']);
  expect(job?.returnvalue).toEqual({ outcomes: [{ action: 'skipped', reason: 'project not in POSTBACK_PROJECTS' }] });
  expect(writes()).toBe(before);
  expect(slack.requests).toHaveLength(0);
  // Allowed by path, case-insensitively.
  expect(await enqueuePostbackJobs({ postback: queue }, postbackSettings({ projects: ['GROUP/app'] }), row)).toEqual(['gitlab']);
});

test('Slack and the signed webhook receive the masked analysis; the signature verifies with SECRET_KEY', async () => {
  const planted = 'AKIAIOSFODNN7EXAMPLE';
  const settings = postbackSettings({ enabled: false, slackWebhookUrl: slack.url, notifyWebhookUrl: hook.url, secretKey: SECRET });
  const { queue } = startRig(settings);
  const row = await mrAnalysis(23, { result: sampleResult({ root_cause: `leaked ${planted} in the log` }) });
  slack.fail(500, 1);
  expect(await enqueuePostbackJobs({ postback: queue }, settings, row, FAST)).toEqual(['slack', 'webhook']);
  await waitFor(async () => (await counts(queue)).completed === 2, 'both notifications');

  expect(slack.requests).toHaveLength(2);
  const message = JSON.parse(slack.requests[1]?.body ?? '{}') as { text: string; blocks: unknown[] };
  expect(message.text).toContain(`pipeline #${row.pipelineId} failed`);
  expect(JSON.stringify(message)).toContain(`https://ci-analyst.example/ui/analyses/${row.requestId}`);

  const received = hook.requests[0];
  expect(received?.headers['x-ci-analyst-event']).toBe('analysis.completed');
  const signature = received?.headers[SIGNATURE_HEADER.toLowerCase()] as string;
  expect(verifySignature(SECRET, received?.body ?? '', signature)).toBe(true);
  expect(verifySignature('wrong', received?.body ?? '', signature)).toBe(false);
  expect(JSON.parse(received?.body ?? '{}')).toMatchObject({
    event: 'analysis.completed',
    request_id: row.requestId,
    result: { category: 'dependency' },
  });

  const everything = [...slack.requests, ...hook.requests].map((r) => r.body).join('\n');
  expect(everything).toContain('[MASKED:aws_access_key]');
  expect(everything).not.toContain(planted);
  expect(notesOf(23)).toHaveLength(0);
});

test('an endpoint refusing the request for good (404) fails the job without retrying', async () => {
  const settings = postbackSettings({ enabled: false, slackWebhookUrl: slack.url });
  const { queue } = startRig(settings);
  const row = await mrAnalysis(24);
  const before = slack.requests.length;
  slack.fail(404, 1);
  await enqueuePostbackJobs({ postback: queue }, settings, row, FAST);
  await waitFor(async () => (await counts(queue)).failed === 1, 'the failed job');
  const [job] = await queue.getJobs(['failed']);
  expect(job?.attemptsMade).toBe(1);
  expect(job?.failedReason).toContain('slack notification failed: 404');
  expect(slack.requests.length - before).toBe(1);
});

test('Slack hears about a failure of a merge request once, and again only after a green pipeline', async () => {
  const settings = postbackSettings({ enabled: false, slackWebhookUrl: slack.url });
  const { queue } = startRig(settings);
  const before = slack.requests.length;
  const post = async () => {
    const row = await mrAnalysis(25);
    await enqueuePostbackJobs({ postback: queue }, settings, row, FAST);
    return row;
  };
  const finished = async (n: number) => waitFor(async () => (await counts(queue)).completed === n, `${n} jobs`);
  await post();
  await finished(1);
  await post();
  await finished(2);
  expect(slack.requests.length - before).toBe(1);
  await enqueue(
    { postback: queue },
    { job: 'pipeline.fixed', payload: { project_id: PROJECT.id, pipeline_id: nextPipeline++, merge_request_iid: 25 }, options: FAST },
  );
  await finished(3);
  await post();
  await finished(4);
  expect(slack.requests.length - before).toBe(2);
});

test('the note, Slack and the webhook lead with the verdict of the failed job', async () => {
  const settings = postbackSettings({ slackWebhookUrl: slack.url, notifyWebhookUrl: hook.url, secretKey: SECRET });
  const { queue } = startRig(settings);
  const [slackBefore, hookBefore] = [slack.requests.length, hook.requests.length];
  // seedAnalysis names the failed job after the pipeline (id × 10); mrAnalysis takes the next pipeline id.
  const verdict = verdictOf('infrastructure', 'Infrastructure: registry unreachable (registry.example.com)', { retry_advised: true });
  const [job] = sampleResult().failed_jobs;
  const row = await mrAnalysis(26, { result: sampleResult({ failed_jobs: [{ ...job!, job_id: nextPipeline * 10, verdict }] }) });
  expect(await enqueuePostbackJobs({ postback: queue }, settings, row, FAST)).toEqual(['gitlab', 'slack', 'webhook']);
  await waitFor(async () => (await counts(queue)).completed === 3, 'the three posts');

  const lines = (notesOf(26)[0]?.body ?? '').split('\n');
  expect(lines[1]).toMatch(/^### :x: \[pipeline #\d+\]/);
  expect(lines[3]).toBe('**Infrastructure**: registry unreachable (registry.example.com), retry the job');
  const message = JSON.parse(slack.requests[slackBefore]?.body ?? '{}') as { text: string };
  expect(message.text).toMatch(/^Infrastructure: registry unreachable \(registry\.example\.com\), retry the job · /);
  const payload = JSON.parse(hook.requests[hookBefore]?.body ?? '{}') as { failed_jobs: { verdict: unknown }[] };
  expect(payload.failed_jobs[0]?.verdict).toMatchObject({ kind: 'infrastructure', retry_advised: true });
});
