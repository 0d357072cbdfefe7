import request from 'supertest';
import { testConfig } from '@cia/config/testing';
import { createTestDatabase } from '@cia/db/testing';
import { createLogger } from '@cia/logger';
import { createApp } from '../app';
import { createHealthCheck } from '../health-check';
import { createTestApp, type TTestApp } from '../testing/test-app';

let t: TTestApp;

beforeAll(async () => {
  t = await createTestApp('health', { API_TOKEN: 'health-token', OPENAI_API_KEY: 'sk-test-not-real' });
});

afterAll(async () => {
  await t?.close();
});

test('/health answers without a token and without touching dependencies', async () => {
  const res = await request(t.app).get('/health');
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'ok', service: 'ingest' });
});

test('/health/detailed reports database, redis, queue counts, workers, imap and AI providers', async () => {
  const res = await request(t.app).get('/health/detailed');
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('ok');
  const c = res.body.components;
  expect(c.database).toMatchObject({ status: 'ok', required: true });
  expect(c.redis).toMatchObject({ status: 'ok', required: true });
  expect(Object.keys(c.queues.detail).sort()).toEqual(
    t.queues
      .all()
      .map((q) => q.name)
      .sort(),
  );
  expect(c.queues.detail.analyze).toMatchObject({ waiting: 0, active: 0, failed: 0 });
  // No worker runs in this test: reported, but not required for ingest to serve.
  expect(c.workers).toMatchObject({ status: 'down', required: false });
  expect(c.imap).toMatchObject({ status: 'disabled' });
  expect(c.ai.detail.configured).toEqual(['openai', 'offline']);
  expect(JSON.stringify(res.body)).not.toContain('sk-test-not-real');
});

test('/health/detailed answers 503 when PostgreSQL is gone', async () => {
  const gone = await createTestDatabase('health_gone');
  await gone.drop();
  const config = testConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
  const app = createApp({
    config,
    db: gone.db,
    queues: t.queues,
    logger: createLogger({ service: 'test', silent: true }),
    health: createHealthCheck(config, gone, t.redis, t.queues),
  });
  const res = await request(app).get('/health/detailed');
  expect(res.status).toBe(503);
  expect(res.body.status).toBe('degraded');
  expect(res.body.components.database.status).toBe('down');
  expect(res.body.components.redis.status).toBe('ok');
});
