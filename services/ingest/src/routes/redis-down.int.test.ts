import net from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { testConfig } from '@cia/config/testing';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createLogger } from '@cia/logger';
import { closeRedis, createQueues, createRedisConnection, type TQueues } from '@cia/queue';
import type IORedis from 'ioredis';
import { createApp } from '../app';
import { createHealthCheck } from '../health-check';

let database: TTestDatabase;
let redis: IORedis;
let queues: TQueues;
let app: Express;
let redisUrl: string;

beforeAll(async () => {
  database = await createTestDatabase('redis_down');
  // A port nobody listens on: Redis is down for the whole file.
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  redisUrl = `redis://:redis-pw@127.0.0.1:${port}`;
  const config = testConfig({ REDIS_URL: redisUrl, API_TOKEN: 'ops-token' });
  redis = createRedisConnection(redisUrl, 'producer');
  queues = createQueues(redis, '{redis-down}');
  app = createApp({
    config,
    db: database.db,
    queues,
    logger: createLogger({ service: 'test', silent: true }),
    health: createHealthCheck(config, database, redis, queues),
  });
});

afterAll(async () => {
  await queues.close().catch(() => undefined);
  await closeRedis(redis);
  await database.drop();
});

test('with Redis down Bull Board answers at once: its page loads, its API says 503 naming Redis', async () => {
  const bearer = { Authorization: 'Bearer ops-token' };
  expect((await request(app).get('/admin/queues').set(bearer)).status).toBe(200);
  const res = await request(app).get('/admin/queues/api/queues').set(bearer);
  expect(res.status).toBe(503);
  expect(res.body.error).toMatchObject({
    code: 'service_unavailable',
    message: expect.stringMatching(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is down/),
  });
  // The token still comes first.
  expect((await request(app).get('/admin/queues/api/queues')).status).toBe(401);
});

test('with Redis down /health/detailed says so, without the password', async () => {
  const res = await request(app).get('/health/detailed');
  expect(res.status).toBe(503);
  expect(res.body.components.redis).toMatchObject({
    status: 'down',
    detail: expect.stringMatching(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is down/),
  });
  expect(JSON.stringify(res.body)).not.toContain('redis-pw');
});
