import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { analyses, webhookDeliveries } from '@cia/db';
import { createTestBackend, type TTestBackend } from '@cia/intake/testing';
import { pipelineHook } from '../../../../tests/fixtures/gitlab-payloads';
import { buildTestApp } from '../testing/test-app';
import { INLINE_BODY_MAX_BYTES } from './delivery-body';

const SECRET = 'hook-secret';
let backend: TTestBackend;
let server: http.Server;
let base: string;

beforeAll(async () => {
  backend = await createTestBackend('big_bodies');
  // Default settings (WEBHOOK_BODY_LIMIT_MB among them) but the secret.
  server = http.createServer(buildTestApp(backend, { GITLAB_WEBHOOK_SECRET: SECRET })).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await backend.close();
});

/** A Pipeline Hook of a pipeline with `jobs` jobs, one in ten failed, as GitLab lists them. */
function bigPipelineHook(pipelineId: number, jobs: number): string {
  const builds = Array.from({ length: jobs }, (_, i) => ({
    id: pipelineId * 100_000 + i,
    stage: `stage-${i % 12}`,
    name: `shard ${i} of the integration suite (${'matrix:'.repeat(8)})`,
    status: i % 10 === 0 ? 'failed' : 'success',
    created_at: '2016-08-12 15:23:28 UTC',
    started_at: '2016-08-12 15:24:28 UTC',
    finished_at: '2016-08-12 15:26:28 UTC',
    duration: 120.5,
    queued_duration: 3.5,
    failure_reason: i % 10 === 0 ? 'script_failure' : null,
    when: 'on_success',
    manual: false,
    allow_failure: false,
    user: {
      id: 1,
      name: 'Administrator',
      username: 'root',
      avatar_url: 'http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=80&d=identicon',
      email: 'admin@example.com',
    },
    runner: {
      id: 380987,
      description: 'shared-runners-manager-6.gitlab.com',
      runner_type: 'instance_type',
      active: true,
      is_shared: true,
      tags: ['linux', 'docker'],
    },
    artifacts_file: { filename: null, size: null },
    environment: null,
  }));
  return JSON.stringify(pipelineHook({ pipelineId, builds }));
}

const deliver = (body: string, key: string) =>
  fetch(`${base}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', 'X-Gitlab-Token': SECRET, 'Idempotency-Key': key },
    body,
  });

test('a Pipeline Hook of 7,500 jobs (over 5 MB, the old limit) is accepted under the default limit, its failed jobs stored and its variables masked', async () => {
  const body = bigPipelineHook(61001, 7500);
  expect(body.length).toBeGreaterThan(5 * 1024 * 1024);
  const res = await deliver(body, 'big-61001');
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };
  const [row] = await backend.database.db.select().from(analyses).where(eq(analyses.requestId, request_id));
  expect(row?.failedJobs).toHaveLength(750);
  const [delivery] = await backend.database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.idempotencyKey, 'big-61001'));
  expect(delivery?.body.length).toBe(body.length - 'us-west-1'.length + '[MASKED:variable]'.length);
  expect(delivery?.body).not.toContain('us-west-1');
});

test('big bodies are parsed off the event loop: /health answers while they are decoded and the main thread never parses them', async () => {
  const bodies = [61002, 61003, 61004].map((id) => bigPipelineHook(id, 2000));
  let longestParsedHere = 0;
  const parse = JSON.parse;
  const spy = jest.spyOn(JSON, 'parse').mockImplementation((text: string, reviver?: (key: string, value: unknown) => unknown) => {
    longestParsedHere = Math.max(longestParsedHere, text.length);
    return parse(text, reviver);
  });
  try {
    let inFlight = bodies.length;
    const deliveries = bodies.map((b, i) => deliver(b, `big-concurrent-${i}`).then(async (r) => ((inFlight -= 1), r.status)));
    let healthAnswers = 0;
    while (inFlight > 0) {
      const res = await fetch(`${base}/health`);
      if (res.status === 200 && inFlight > 0) healthAnswers++;
    }
    expect(await Promise.all(deliveries)).toEqual([202, 202, 202]);
    expect(healthAnswers).toBeGreaterThan(0);
    expect(longestParsedHere).toBeLessThanOrEqual(INLINE_BODY_MAX_BYTES);
  } finally {
    spy.mockRestore();
  }
});

test.each([
  ['malformed JSON', 400, 'bad_request', 'body', `{"object_kind":"pipeline","x":"${'y'.repeat(300_000)}`],
  [
    'a wrong type',
    400,
    'validation_failed',
    'object_attributes.id',
    bigPipelineHook(61005, 300).replace('"id":61005,"iid"', '"id":"x","iid"'),
  ],
  ['JSON nested thousands deep', 400, 'bad_request', 'body', `{"object_kind":"pipeline","x":${'['.repeat(500_000)}${']'.repeat(500_000)}}`],
])('a big body with %s is a clear %i from the worker thread', async (_name, status, code, field, body) => {
  expect(body.length).toBeGreaterThan(INLINE_BODY_MAX_BYTES);
  const res = await deliver(body, `big-bad-${_name}`);
  expect(res.status).toBe(status);
  const answer = (await res.json()) as { error: { code: string; field?: string } };
  expect(answer.error.code).toBe(code);
  expect(answer.error.field).toBe(field);
});
