import { once } from 'node:events';
import type { Express } from 'express';
import type IORedis from 'ioredis';
import { testConfig } from '@cia/config/testing';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { createLogger } from '@cia/logger';
import { closeRedis, createQueues, createRedisConnection, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';
import { createApp } from '../app';
import { createHealthCheck } from '../health-check';

export type TTestApp = {
  app: Express;
  database: TTestDatabase;
  queues: TQueues;
  redis: IORedis;
  close(): Promise<void>;
};

/** The real ingest app over a fresh PostgreSQL database and a unique Redis prefix. */
export async function createTestApp(label: string, overrides: Record<string, string | undefined> = {}): Promise<TTestApp> {
  const database = await createTestDatabase(label);
  const prefix = createTestPrefix(label);
  const redis = createRedisConnection(prefix.url, 'producer');
  const queues = createQueues(redis, prefix.prefix);
  // The producer connection has no offline queue: commands before it is ready fail.
  if (redis.status !== 'ready') await once(redis, 'ready');
  const config = testConfig({ REDIS_URL: prefix.url, QUEUE_PREFIX: prefix.prefix, ...overrides });
  const logger = createLogger({ service: 'test', silent: true });
  const app = createApp({ config, db: database.db, queues, logger, health: createHealthCheck(config, database, redis, queues) });
  return {
    app,
    database,
    queues,
    redis,
    close: async () => {
      await queues.close();
      await closeRedis(redis);
      await database.drop();
      await prefix.cleanup();
    },
  };
}
