import { testConfig } from '@cia/config/testing';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { pipelineHook } from './fixtures/gitlab-payloads';

const logger = createLogger({ service: 'test', silent: true });
let database: TTestDatabase;
let redis: ReturnType<typeof createTestPrefix>;
let ingest: TIngestHandle;
let worker: TWorkerHandle;

beforeAll(async () => {
  database = await createTestDatabase('skeleton');
  redis = createTestPrefix('skeleton');
  const config = testConfig({ REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix, HOST: '127.0.0.1' });
  worker = await startWorker(config, { database, logger });
  ingest = await startIngest(config, { database, logger, port: 0 });
});

afterAll(async () => {
  await ingest?.close();
  await worker?.close();
  await database?.drop();
  await redis?.cleanup();
});

async function waitForStatus(requestId: string, want: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${ingest.url}/analysis/${requestId}`);
    const body = (await res.json()) as Record<string, unknown>;
    if (body.status === want) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`analysis ${requestId} never reached ${want}`);
}

test('a failed Pipeline Hook becomes a completed analysis readable at /analysis/:request_id', async () => {
  const res = await fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook' },
    body: JSON.stringify(pipelineHook({ pipelineId: 9001 })),
  });
  expect(res.status).toBe(202);
  const accepted = (await res.json()) as { status: string; request_id: string };
  expect(accepted.status).toBe('accepted');

  const analysis = await waitForStatus(accepted.request_id, 'completed');
  expect(analysis).toMatchObject({ request_id: accepted.request_id, trigger: 'webhook', pipeline: { id: 9001 }, project: { id: 1 } });
  expect((analysis.result as { failed_jobs: { name: string }[] }).failed_jobs.map((j) => j.name)).toEqual(['production']);
});

test('/health answers without dependencies and /health/detailed reports database, redis and a live worker', async () => {
  expect((await fetch(`${ingest.url}/health`)).status).toBe(200);
  const detailed = (await (await fetch(`${ingest.url}/health/detailed`)).json()) as {
    status: string;
    components: Record<string, { status: string }>;
  };
  expect(detailed.status).toBe('ok');
  expect(detailed.components.database?.status).toBe('ok');
  expect(detailed.components.redis?.status).toBe('ok');
  expect(detailed.components.workers?.status).toBe('ok');
});

test('without a GitLab token a built-in scenario is analysed offline from the log its trigger carried', async () => {
  const res = await fetch(`${ingest.url}/test/scenarios/test`);
  expect(res.status).toBe(202);
  const { request_id } = (await res.json()) as { request_id: string };
  const analysis = await waitForStatus(request_id, 'completed');
  expect(analysis.provider).toBe('offline');
  const result = analysis.result as { category: string; failed_jobs: { excerpt: { text: string }[] }[] };
  expect(result.category).toBe('test');
  expect(result.failed_jobs[0]?.excerpt.some((l) => l.text.includes('assert 15 == 16'))).toBe(true);
});
