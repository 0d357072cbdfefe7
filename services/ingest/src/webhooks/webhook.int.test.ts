import request from 'supertest';
import type { Express } from 'express';
import type IORedis from 'ioredis';
import { eq } from 'drizzle-orm';
import { testConfig } from '@cia/config/testing';
import { analyses, incidents, postedNotes, webhookDeliveries } from '@cia/db';
import type { TTestDatabase } from '@cia/db/testing';
import { startOutboxRelay } from '@cia/intake';
import { createTestBackend, type TTestBackend } from '@cia/intake/testing';
import { createLogger } from '@cia/logger';
import { captureLogger } from '@cia/logger/testing';
import { createQueues, createRedisConnection, type TQueues } from '@cia/queue';
import { pipelineHook, jobHook } from '../../../../tests/fixtures/gitlab-payloads';
import { createApp } from '../app';
import { createHealthCheck } from '../health-check';
import { buildTestApp } from '../testing/test-app';

const logger = createLogger({ service: 'test', silent: true });
let backend: TTestBackend;
let database: TTestDatabase;
let redis: IORedis;
let queues: TQueues;
let app: Express;
const SECRET = 'hook-secret';
let nextPipeline = 5000;

function buildApp(q: TQueues, overrides: Record<string, string> = {}): Express {
  return buildTestApp({ ...backend, queues: q }, { GITLAB_WEBHOOK_SECRET: SECRET, WEBHOOK_BODY_LIMIT_MB: '0.05', ...overrides });
}

beforeAll(async () => {
  backend = await createTestBackend('webhook');
  ({ database, redis, queues } = backend);
  app = buildApp(queues);
});

afterAll(async () => {
  await backend.close();
});

const post = (body: unknown, headers: Record<string, string> = {}, target: Express = app) =>
  request(target)
    .post('/webhooks/gitlab')
    .set({ 'Content-Type': 'application/json', 'X-Gitlab-Token': SECRET, 'X-Gitlab-Event': 'Pipeline Hook', ...headers })
    .send(typeof body === 'string' ? body : JSON.stringify(body));

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met within 1 s');
}

const analysesOf = (pipelineId: number) => database.db.select().from(analyses).where(eq(analyses.pipelineId, pipelineId));

describe('accepting failures', () => {
  test('a failed pipeline is stored, queued under its request id and answered 202', async () => {
    const pipelineId = nextPipeline++;
    const res = await post(pipelineHook({ pipelineId }), { 'Idempotency-Key': `k-${pipelineId}` });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'accepted', request_id: expect.any(String) });
    const job = await queues.analyze.getJob(res.body.request_id);
    expect(job?.data).toEqual({ request_id: res.body.request_id, trigger: 'webhook', project_id: 1, pipeline_id: pipelineId });
    const [row] = await analysesOf(pipelineId);
    expect(row?.failedJobs.map((j) => j.name)).toEqual(['production']);
    await waitFor(async () => (await analysesOf(pipelineId))[0]?.enqueuedAt != null);
    const [delivery] = await database.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.idempotencyKey, `k-${pipelineId}`));
    expect(delivery).toMatchObject({ outcome: 'accepted', requestId: res.body.request_id, eventType: 'Pipeline Hook' });
    expect(delivery?.headers['x-gitlab-token']).toBeUndefined();
    const stored = JSON.parse(delivery!.body);
    expect(stored.object_attributes.id).toBe(pipelineId);
    // Pipeline variables may carry credentials: the audit copy masks their values.
    expect(stored.object_attributes.variables).toEqual([{ key: 'NESTOR_PROD_ENVIRONMENT', value: '[MASKED:variable]' }]);
    expect(delivery!.body).not.toContain('us-west-1');
  });

  test("a Pipeline Hook's merge request and job list are kept for the worker, one run per job, and stay out of the API view", async () => {
    const pipelineId = nextPipeline++;
    const builds = [
      { id: 10, stage: 'test', name: 'unit', status: 'failed', failure_reason: 'script_failure', allow_failure: false, duration: 12.5 },
      { id: 12, stage: 'test', name: 'unit', status: 'failed', failure_reason: 'script_failure', allow_failure: false, duration: 14 },
      { id: 11, stage: 'build', name: 'compile', status: 'success', allow_failure: false },
    ];
    const res = await post(pipelineHook({ pipelineId, builds }));
    expect(res.status).toBe(202);
    const [row] = await analysesOf(pipelineId);
    expect(row?.pipeline.merge_request).toEqual({
      iid: 1,
      title: 'Test',
      source_branch: 'test',
      target_branch: 'master',
      state: 'opened',
      url: 'http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1',
    });
    // Older GitLab versions list a retried job's earlier runs too: the latest (highest id) is kept.
    expect(row?.pipeline.jobs).toEqual([
      { id: 12, name: 'unit', stage: 'test', status: 'failed', failure_reason: 'script_failure', allow_failure: false, duration: 14 },
      { id: 11, name: 'compile', stage: 'build', status: 'success', failure_reason: null, allow_failure: false, duration: null },
    ]);
    const view = await request(app).get(`/analysis/${res.body.request_id}`);
    expect(view.status).toBe(200);
    expect(view.body.pipeline.merge_request.iid).toBe(1);
    expect(view.body.pipeline).not.toHaveProperty('jobs');
  });

  test('a redelivery with the same Idempotency-Key answers 200 with the same request id and queues nothing new', async () => {
    const pipelineId = nextPipeline++;
    const first = await post(pipelineHook({ pipelineId }), { 'Idempotency-Key': `k-${pipelineId}` });
    const again = await Promise.all([1, 2, 3].map(() => post(pipelineHook({ pipelineId }), { 'Idempotency-Key': `k-${pipelineId}` })));
    for (const r of again) expect([r.status, r.body.request_id]).toEqual([200, first.body.request_id]);
    expect(await analysesOf(pipelineId)).toHaveLength(1);
  });

  test('X-Gitlab-Event-UUID also deduplicates when Idempotency-Key is absent', async () => {
    const pipelineId = nextPipeline++;
    const first = await post(pipelineHook({ pipelineId }), { 'X-Gitlab-Event-UUID': `uuid-${pipelineId}` });
    const again = await post(pipelineHook({ pipelineId }), { 'X-Gitlab-Event-UUID': `uuid-${pipelineId}` });
    expect(again.status).toBe(200);
    expect(again.body.request_id).toBe(first.body.request_id);
  });

  test('a storm of distinct deliveries about one pipeline yields one analysis and one request id', async () => {
    const pipelineId = nextPipeline++;
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        i % 2 === 0
          ? post(pipelineHook({ pipelineId }), { 'Idempotency-Key': `storm-${pipelineId}-${i}` })
          : post(jobHook({ jobId: 380, name: 'production', pipelineId, projectId: 1 }), {
              'X-Gitlab-Event': 'Job Hook',
              'Idempotency-Key': `storm-${pipelineId}-${i}`,
            }),
      ),
    );
    const ids = new Set(answers.map((a) => a.body.request_id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(await analysesOf(pipelineId)).toHaveLength(1);
  });

  test('a Job Hook before its Pipeline Hook joins the same analysis, and the pipeline hook starts it at once', async () => {
    const pipelineId = nextPipeline++;
    const jobFirst = await post(jobHook({ jobId: 901, name: 'rspec', pipelineId, projectId: 1 }), { 'X-Gitlab-Event': 'Job Hook' });
    expect(jobFirst.status).toBe(202);
    const job = await queues.analyze.getJob(jobFirst.body.request_id);
    expect(await job?.isDelayed()).toBe(true);
    const builds = [
      { id: 901, stage: 'test', name: 'rspec', status: 'failed', failure_reason: 'script_failure', allow_failure: false },
      { id: 902, stage: 'test', name: 'lint', status: 'failed', failure_reason: 'script_failure', allow_failure: false },
    ];
    const pipe = await post(pipelineHook({ pipelineId, builds }));
    expect(pipe.status).toBe(200);
    expect(pipe.body.request_id).toBe(jobFirst.body.request_id);
    expect(await (await queues.analyze.getJob(jobFirst.body.request_id))?.isDelayed()).toBe(false);
    const [row] = await analysesOf(pipelineId);
    expect(row?.failedJobs.map((j) => j.name).sort()).toEqual(['lint', 'rspec']);
  });

  test('after an analysis finished, the same failure again is a duplicate and a newly failing job starts a new analysis', async () => {
    const pipelineId = nextPipeline++;
    const first = await post(pipelineHook({ pipelineId }));
    await database.db.update(analyses).set({ status: 'completed' }).where(eq(analyses.requestId, first.body.request_id));
    const retried = await post(jobHook({ jobId: 999, name: 'production', pipelineId, projectId: 1 }), { 'X-Gitlab-Event': 'Job Hook' });
    expect([retried.status, retried.body.request_id]).toEqual([200, first.body.request_id]);
    const other = await post(jobHook({ jobId: 1000, name: 'deploy-eu', pipelineId, projectId: 1 }), { 'X-Gitlab-Event': 'Job Hook' });
    expect(other.status).toBe(202);
    expect(other.body.request_id).not.toBe(first.body.request_id);
    expect(await analysesOf(pipelineId)).toHaveLength(2);
  });
});

describe('events that are not analysed', () => {
  test.each([
    ['a successful pipeline', pipelineHook({ pipelineId: 1, status: 'success' }), 'Pipeline Hook', /status is success/],
    ['a running pipeline', pipelineHook({ pipelineId: 2, status: 'running' }), 'Pipeline Hook', /status is running/],
    ['a failed job allowed to fail', jobHook({ jobId: 3, pipelineId: 3, allowFailure: true }), 'Job Hook', /allowed to fail/],
    ['a successful job', jobHook({ jobId: 4, pipelineId: 4, status: 'success' }), 'Job Hook', /status is success/],
    ['a push event', { object_kind: 'push', ref: 'refs/heads/main' }, 'Push Hook', /not analysed/],
  ])('%s answers 200 ignored and queues nothing', async (_name, body, event, reason) => {
    const before = await queues.analyze.count();
    const res = await post(body, { 'X-Gitlab-Event': event });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ignored', reason: expect.stringMatching(reason) });
    expect(await queues.analyze.count()).toBe(before);
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  const countAll = async () => (await database.db.select().from(analyses)).length;

  test.each([
    ['no token', 401, 'unauthorized', { 'X-Gitlab-Token': '' }, pipelineHook({ pipelineId: 77001 })],
    ['a wrong token', 401, 'unauthorized', { 'X-Gitlab-Token': 'nope' }, pipelineHook({ pipelineId: 77002 })],
    ['malformed JSON', 400, 'bad_request', {}, '{"object_kind": "pipeline",'],
    ['a JSON array', 400, 'validation_failed', {}, '[1,2]'],
    ['no X-Gitlab-Event header', 400, 'bad_request', { 'X-Gitlab-Event': '' }, pipelineHook({ pipelineId: 77003 })],
    ['a non-JSON content type', 415, 'unsupported_media_type', { 'Content-Type': 'text/plain' }, pipelineHook({ pipelineId: 77004 })],
  ])('%s → %i %s', async (_name, status, code, headers, body) => {
    const before = await countAll();
    const res = await post(body, headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(await countAll()).toBe(before);
  });

  test('a missing required field is a 400 naming the field', async () => {
    const body = pipelineHook({ pipelineId: 77005 }) as Record<string, unknown>;
    delete (body.object_attributes as Record<string, unknown>).id;
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('object_attributes.id');
  });

  test('a wrong type is a 400 naming the field', async () => {
    const res = await post({ ...jobHook({ jobId: 1, pipelineId: 77006 }), build_id: 'twelve' }, { 'X-Gitlab-Event': 'Job Hook' });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe('build_id');
  });

  test('a body over the limit is a 413', async () => {
    const huge = { ...pipelineHook({ pipelineId: 77007 }), padding: 'x'.repeat(80 * 1024) };
    const res = await post(huge);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  test('deeply nested bodies are answered without a 5xx', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await post(`{"object_kind":"pipeline","x":${deep}}`.slice(0, 50_000));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('durability', () => {
  test('with Redis unreachable the failure is still accepted from the database and the relay enqueues it exactly once', async () => {
    const deadRedis = createRedisConnection('redis://127.0.0.1:1', 'producer', { retryStrategy: () => null });
    const deadQueues = createQueues(deadRedis, backend.prefix);
    const offlineApp = buildApp(deadQueues);
    const pipelineId = nextPipeline++;
    const res = await post(pipelineHook({ pipelineId }), {}, offlineApp);
    expect(res.status).toBe(202);
    const [row] = await analysesOf(pipelineId);
    expect(row?.enqueuedAt).toBeNull();
    expect(await queues.analyze.getJob(res.body.request_id)).toBeUndefined();

    const relay = startOutboxRelay({ db: database.db, queues, logger }, { intervalMs: 60_000, graceMs: 0 });
    expect(await relay.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await relay.runOnce()).toBe(0);
    await relay.stop();
    expect((await queues.analyze.getJob(res.body.request_id))?.data.pipeline_id).toBe(pipelineId);
    await waitFor(async () => (await analysesOf(pipelineId))[0]?.enqueuedAt != null);
    await deadQueues.close().catch(() => undefined);
  });

  test('a job Redis lost (restart without persistence) is re-added by the sweep, once', async () => {
    const pipelineId = nextPipeline++;
    const res = await post(pipelineHook({ pipelineId }));
    await waitFor(async () => (await analysesOf(pipelineId))[0]?.enqueuedAt != null);
    await (await queues.analyze.getJob(res.body.request_id))?.remove();
    await database.db
      .update(analyses)
      .set({ updatedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(analyses.pipelineId, pipelineId));
    const relay = startOutboxRelay({ db: database.db, queues, logger }, { intervalMs: 60_000, staleAfterMs: 60_000 });
    expect(await relay.sweepLost()).toBeGreaterThanOrEqual(1);
    expect(await queues.analyze.getJob(res.body.request_id)).toBeDefined();
    await database.db
      .update(analyses)
      .set({ updatedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(analyses.pipelineId, pipelineId));
    expect(await relay.sweepLost()).toBe(0);
    await relay.stop();
  });

  test('with the database unreachable the answer is 503 so GitLab retries', async () => {
    const { openDatabase } = await import('@cia/db');
    const dead = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', verify: false });
    const config = testConfig({ REDIS_URL: backend.redisUrl, QUEUE_PREFIX: backend.prefix });
    const deadApp = createApp({ config, db: dead.db, queues, logger, health: createHealthCheck(config, dead, redis, queues) });
    const res = await request(deadApp)
      .post('/webhooks/gitlab')
      .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' })
      .send(JSON.stringify(pipelineHook({ pipelineId: nextPipeline++ })));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    await dead.close();
  });

  test('a delivery the database refuses is logged with the cause, never with the body (drizzle puts it in its message)', async () => {
    const { openDatabase } = await import('@cia/db');
    const dead = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/none', verify: false });
    const config = testConfig({ REDIS_URL: backend.redisUrl, QUEUE_PREFIX: backend.prefix });
    const logs = captureLogger();
    const deadApp = createApp({ config, db: dead.db, queues, logger: logs.logger, health: createHealthCheck(config, dead, redis, queues) });
    // A passing pipeline: its delivery is recorded through drizzle, whose error message lists the parameters.
    const res = await request(deadApp)
      .post('/webhooks/gitlab')
      .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' })
      .send(JSON.stringify({ ...pipelineHook({ pipelineId: nextPipeline++, status: 'success' }), marker: 'body-never-logged' }));
    expect(res.status).toBe(503);
    await dead.close();
    await logs.settled();
    expect(logs.lines.map((l) => l.message)).toContain('could not store webhook delivery');
    expect(JSON.stringify(logs.lines)).not.toMatch(/body-never-logged|Failed query/);
  });
});

describe('post-back', () => {
  test('a passing pipeline of a project with a note still showing a failure queues the "fixed" update', async () => {
    const withPostback = buildApp(queues, { POSTBACK_ENABLED: 'true', GITLAB_API_TOKEN: 'glpat-xxxxxxxxxxxxxxxxxxxx' });
    const quiet = await post(pipelineHook({ pipelineId: 88001, projectId: 4242, status: 'success' }), {}, withPostback);
    expect(quiet.body.status).toBe('ignored');
    expect(await queues.postback.getJob('fixed-4242-88001')).toBeUndefined();

    await database.db.insert(postedNotes).values({ projectId: 4242, target: 'mr-1', noteId: 55, state: 'failing' });
    const res = await post(pipelineHook({ pipelineId: 88002, projectId: 4242, status: 'success' }), {}, withPostback);
    expect(res.body.status).toBe('ignored');
    const job = await queues.postback.getJob('fixed-4242-88002');
    expect(job?.data).toMatchObject({ project_id: 4242, pipeline_id: 88002, merge_request_iid: 1 });
    expect(job?.name).toBe('pipeline.fixed');
  });

  test('with post-back off, or a project outside POSTBACK_PROJECTS, a passing pipeline queues nothing even when a note shows a failure', async () => {
    await database.db.insert(postedNotes).values({ projectId: 4343, target: 'mr-2', noteId: 56, state: 'failing' });
    const off = buildApp(queues, { GITLAB_API_TOKEN: 'glpat-xxxxxxxxxxxxxxxxxxxx' });
    expect((await post(pipelineHook({ pipelineId: 88101, projectId: 4343, status: 'success' }), {}, off)).body.status).toBe('ignored');
    const elsewhere = buildApp(queues, {
      POSTBACK_ENABLED: 'true',
      GITLAB_API_TOKEN: 'glpat-xxxxxxxxxxxxxxxxxxxx',
      POSTBACK_PROJECTS: 'other/group',
    });
    expect((await post(pipelineHook({ pipelineId: 88102, projectId: 4343, status: 'success' }), {}, elsewhere)).body.status).toBe(
      'ignored',
    );
    expect(await queues.postback.getJob('fixed-4343-88101')).toBeUndefined();
    expect(await queues.postback.getJob('fixed-4343-88102')).toBeUndefined();
    // Slack alone is enough: its announcements say "fixed" too.
    const slackOnly = buildApp(queues, { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' });
    await post(pipelineHook({ pipelineId: 88103, projectId: 4343, status: 'success' }), {}, slackOnly);
    expect(await queues.postback.getJob('fixed-4343-88103')).toBeDefined();
  });
});

describe('incidents', () => {
  test('a passing default-branch pipeline of a project whose default branch fails with an open incident queues the "fixed" update, with post-back off', async () => {
    const offApp = buildApp(queues);
    await post(pipelineHook({ pipelineId: 88201, projectId: 4545, status: 'success', mergeRequest: null }), {}, offApp);
    expect(await queues.postback.getJob('fixed-4545-88201')).toBeUndefined();

    await database.db.insert(incidents).values({
      fingerprint: 'fp-4545',
      signature: 's',
      projectId: 4545,
      jobName: 'test',
      title: 'AssertionError',
      failingSincePipelineId: 88000,
      lastDefaultPipelineId: 88000,
    });
    // A merge request pipeline fixes nothing on the default branch.
    await post(pipelineHook({ pipelineId: 88202, projectId: 4545, status: 'success' }), {}, offApp);
    expect(await queues.postback.getJob('fixed-4545-88202')).toBeUndefined();
    const res = await post(pipelineHook({ pipelineId: 88203, projectId: 4545, status: 'success', mergeRequest: null }), {}, offApp);
    expect(res.body.status).toBe('ignored');
    const job = await queues.postback.getJob('fixed-4545-88203');
    expect(job?.name).toBe('pipeline.fixed');
    expect(job?.data).toMatchObject({
      project_id: 4545,
      pipeline_id: 88203,
      ref: 'master',
      default_branch: 'master',
      merge_request_iid: null,
    });
  });
});

describe('modes and helpers', () => {
  test('in email mode the webhook route answers 404 with a clear message', async () => {
    const emailOnly = buildApp(queues, { TRIGGER_MODE: 'email' });
    const res = await post(pipelineHook({ pipelineId: nextPipeline++ }), {}, emailOnly);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/TRIGGER_MODE=email/);
  });

  test('/webhooks/gitlab/test validates without enqueuing and /info shows no secrets', async () => {
    const before = await queues.analyze.count();
    const res = await request(app)
      .post('/webhooks/gitlab/test')
      .set({ 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Token': SECRET })
      .send(JSON.stringify(pipelineHook({ pipelineId: 424242 })));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ valid: true, would_analyze: true });
    expect(await queues.analyze.count()).toBe(before);
    const info = await request(app).get('/webhooks/gitlab/info');
    expect(info.body).toMatchObject({ enabled: true, secret_configured: true, events: ['Pipeline Hook', 'Job Hook'] });
    expect(JSON.stringify(info.body)).not.toContain(SECRET);
  });
});
