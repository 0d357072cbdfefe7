import { once } from 'node:events';
import type IORedis from 'ioredis';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { closeRedis, createQueues, createRedisConnection, type TQueues } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';

export type TTestBackend = {
  database: TTestDatabase;
  /** Redis URL and the BullMQ prefix unique to this test file. */
  redisUrl: string;
  prefix: string;
  redis: IORedis;
  queues: TQueues;
  close(): Promise<void>;
};

/** What an intake needs in a test: a fresh PostgreSQL database, a unique Redis prefix, the queues. */
export async function createTestBackend(label: string): Promise<TTestBackend> {
  const database = await createTestDatabase(label);
  const prefix = createTestPrefix(label);
  const redis = createRedisConnection(prefix.url, 'producer');
  const queues = createQueues(redis, prefix.prefix);
  // The producer connection has no offline queue: commands before it is ready fail.
  if (redis.status !== 'ready') await once(redis, 'ready');
  return {
    database,
    redisUrl: prefix.url,
    prefix: prefix.prefix,
    redis,
    queues,
    close: async () => {
      await queues.close();
      await closeRedis(redis);
      await database.drop();
      await prefix.cleanup();
    },
  };
}
