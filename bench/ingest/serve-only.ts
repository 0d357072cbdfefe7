/** Profiling helper: ingest's app on a test database, until killed. */
import http from 'node:http';
import { loadConfig } from '@cia/config';
import { openDatabase } from '@cia/db';
import { createTestDatabase } from '@cia/db/testing';
import { createApp } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { createQueues, createRedisConnection } from '@cia/queue';
import { createTestPrefix } from '@cia/queue/testing';

(async () => {
  const database = await createTestDatabase('prof');
  const redisTest = createTestPrefix('prof');
  const redis = createRedisConnection(redisTest.url, 'producer');
  const queues = createQueues(redis, redisTest.prefix);
  const config = loadConfig(
    { ENVIRONMENT: 'test', LOG_LEVEL: 'error', REDIS_URL: redisTest.url, QUEUE_PREFIX: redisTest.prefix },
    { dotenvPath: false },
  );
  const pool = await openDatabase({ databaseUrl: database.url, maxConnections: 20 });
  const app = createApp({
    config,
    db: pool.db,
    queues,
    logger: createLogger({ service: 'p', silent: true }),
    health: { check: async () => ({ components: {} }) },
  });
  http.createServer(app).listen(8310, '127.0.0.1');
  process.on('SIGINT', async () => {
    await pool.close();
    await database.drop();
    await redisTest.cleanup();
    process.exit(0);
  });
})();
