import type { Express } from 'express';
import type IORedis from 'ioredis';
import { testConfig } from '@cia/config/testing';
import type { TTestDatabase } from '@cia/db/testing';
import { createTestBackend, type TTestBackend } from '@cia/intake/testing';
import { createLogger } from '@cia/logger';
import type { TQueues } from '@cia/queue';
import { createApp } from '../app';
import { createHealthCheck } from '../health-check';

export type TTestApp = {
  app: Express;
  database: TTestDatabase;
  queues: TQueues;
  redis: IORedis;
  close(): Promise<void>;
};

/** The real ingest app over a test backend, with settings overridden for the test. */
export function buildTestApp(backend: TTestBackend, overrides: Record<string, string | undefined> = {}): Express {
  // The fixtures' GitLab: links to it are the only GitLab links the results page renders.
  const config = testConfig({
    REDIS_URL: backend.redisUrl,
    QUEUE_PREFIX: backend.prefix,
    GITLAB_BASE_URL: 'https://gitlab.example.com',
    ...overrides,
  });
  const logger = createLogger({ service: 'test', silent: true });
  return createApp({
    config,
    db: backend.database.db,
    queues: backend.queues,
    logger,
    health: createHealthCheck(config, backend.database, backend.redis, backend.queues),
  });
}

/** The real ingest app over a fresh PostgreSQL database and a unique Redis prefix. */
export async function createTestApp(label: string, overrides: Record<string, string | undefined> = {}): Promise<TTestApp> {
  const backend = await createTestBackend(label);
  return {
    app: buildTestApp(backend, overrides),
    database: backend.database,
    queues: backend.queues,
    redis: backend.redis,
    close: backend.close,
  };
}
