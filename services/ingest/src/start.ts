import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { secretValuesOf, type TConfig } from '@cia/config';
import { applyMigrations, openDatabase, type TDatabase } from '@cia/db';
import { startOutboxRelay, type TOutboxOptions } from '@cia/intake';
import { createLogger, type TLogger } from '@cia/logger';
import { closeRedis, createQueues, createRedisConnection, reportRedisOutages, startHeartbeat } from '@cia/queue';
import { createApp } from './app';
import { createHealthCheck } from './health-check';

export type TIngestHandle = { port: number; url: string; close(): Promise<void> };

/** Starts ingest: database, Redis, outbox relay, HTTP server. Resources passed in are shared, not closed. */
export async function startIngest(
  config: TConfig,
  shared: { database?: TDatabase; logger?: TLogger; port?: number; relay?: TOutboxOptions } = {},
): Promise<TIngestHandle> {
  if (!config.REDIS_URL) throw new Error('REDIS_URL is required to start ingest on its own (npm start provides one)');
  const logger = shared.logger ?? createLogger({ service: 'ingest', level: config.LOG_LEVEL, secretValues: secretValuesOf(config) });
  const database =
    shared.database ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, maxConnections: 20 }));
  if (!shared.database) await applyMigrations(database);
  const redis = createRedisConnection(config.REDIS_URL, 'producer');
  reportRedisOutages(redis, config.REDIS_URL, logger);
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const health = createHealthCheck(config, database, redis, queues);
  const app = createApp({ config, db: database.db, queues, logger, health });
  const relay = startOutboxRelay({ db: database.db, queues, logger }, shared.relay);
  const heartbeat = startHeartbeat(redis, config.QUEUE_PREFIX, 'ingest', () => ({ state: 'serving' }));

  const server = http.createServer(app);
  // GitLab gives up after 10 s; never keep a slow client longer than that.
  server.requestTimeout = 10_000;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(shared.port ?? config.PORT, config.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.info(`ingest listening on http://${config.HOST}:${port}`, { database: database.kind });

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await relay.stop();
      await heartbeat.stop();
      await queues.close();
      await closeRedis(redis);
      if (!shared.database) await database.close();
    },
  };
}
