import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { startPrivateRedis } from '@cia/cli';
import { testConfig } from '@cia/config/testing';
import { analyses } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { startIngest, type TIngestHandle } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { startWorker, type TWorkerHandle } from '@cia/worker';
import { pipelineHook } from './fixtures/gitlab-payloads';

/**
 * Redis stops in the middle of a burst of failed-pipeline webhooks and comes back: ingest keeps
 * answering 202 from the database outbox and every accepted pipeline ends with exactly one
 * completed analysis.
 */
const logger = createLogger({ service: 'test', silent: true });
let database: TTestDatabase;
let dataDir: string;
let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
let ingest: TIngestHandle;
let worker: TWorkerHandle;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cia-outage-'));
  redis = await startPrivateRedis(dataDir);
  database = await createTestDatabase('outage');
  const config = testConfig({ REDIS_URL: redis.url, QUEUE_PREFIX: '{outage}', HOST: '127.0.0.1', WORKER_CONCURRENCY: '4' });
  worker = await startWorker(config, { database, logger });
  ingest = await startIngest(config, { database, logger, port: 0, relay: { intervalMs: 200, graceMs: 200 } });
}, 30_000);

afterAll(async () => {
  await ingest?.close();
  await worker?.close();
  await redis?.stop();
  await database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const send = (pipelineId: number) =>
  fetch(`${ingest.url}/webhooks/gitlab`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Pipeline Hook', 'Idempotency-Key': `outage-${pipelineId}` },
    body: JSON.stringify(pipelineHook({ pipelineId })),
  });

test('a Redis outage during a burst loses nothing and doubles nothing', async () => {
  const ids = Array.from({ length: 45 }, (_, i) => 700_000 + i);
  const statuses: number[] = [];
  for (const [i, id] of ids.entries()) {
    if (i === 15) {
      await redis.stop();
      const health = await fetch(`${ingest.url}/health/detailed`);
      expect(health.status).toBe(503);
    }
    if (i === 30) redis = await startPrivateRedis(dataDir, { port: redis.port });
    statuses.push((await send(id)).status);
    if (i >= 15 && i < 30) await send(id); // GitLab redelivers when it is unsure
  }
  expect(statuses.every((s) => s === 202)).toBe(true);

  const deadline = Date.now() + 25_000;
  let rows = await database.db.select().from(analyses);
  while (rows.some((r) => r.status !== 'completed') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    rows = await database.db.select().from(analyses);
  }
  expect(rows).toHaveLength(ids.length);
  expect(new Set(rows.map((r) => r.pipelineId)).size).toBe(ids.length);
  expect(rows.filter((r) => r.status !== 'completed')).toEqual([]);
  const [first] = await database.db.select().from(analyses).where(eq(analyses.pipelineId, ids[20]!));
  expect(first?.enqueuedAt).not.toBeNull();
}, 40_000);
