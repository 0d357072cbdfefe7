import { loadConfig, enabledTriggers, secretValuesOf, type TConfig } from '@cia/config';
import { applyMigrations, lockDataDir, openDatabase } from '@cia/db';
import { startIngest } from '@cia/ingest';
import { createLogger, runService, type TLogger } from '@cia/logger';
import { startMailWatcher } from '@cia/mail-watcher';
import { startWorker } from '@cia/worker';
import { startPrivateRedis } from '../private-redis';

/** `done` is the line logged once `close` has finished. */
type TCloser = { done: string; close(): Promise<void> };

/** Closes in reverse order of opening: HTTP first, then the work, the database, Redis last. */
async function closeAll(closers: TCloser[], logger: TLogger): Promise<void> {
  for (const c of [...closers].reverse()) {
    await c.close();
    logger.info(c.done);
  }
}

/** Where a browser on this machine reaches a server bound to `host`. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function startAll(config: TConfig, logger: TLogger, closers: TCloser[]): Promise<void> {
  // DATA_DIR holds the PGlite files and the private Redis: one process at a time.
  if (!config.DATABASE_URL || !config.REDIS_URL) {
    const lock = lockDataDir(config.DATA_DIR);
    closers.push({ done: `DATA_DIR ${config.DATA_DIR} released`, close: async () => lock.release() });
  }
  // The database first: a wrong DATABASE_URL fails before anything else is started.
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const redis = config.REDIS_URL
    ? undefined
    : await startPrivateRedis(config.DATA_DIR).catch(async (err: unknown) => {
        await database.close();
        throw err;
      });
  if (redis) {
    config = Object.freeze({ ...config, REDIS_URL: redis.url });
    closers.push({ done: 'private redis-server stopped', close: () => redis.stop() });
    logger.info(`started private redis-server at ${redis.url} (data in ${config.DATA_DIR}/redis)`);
  }
  closers.push({ done: 'database closed', close: () => database.close() });
  await applyMigrations(database);
  logger.info(`database ready (${database.kind === 'pglite' ? `PGlite in ${config.DATA_DIR}/pglite` : 'PostgreSQL'})`);
  const worker = await startWorker(config, { database, logger: logger.child({ service: 'worker' }) });
  closers.push({ done: 'worker stopped (its jobs finished or released)', close: () => worker.close() });
  const mail = await startMailWatcher(config, { database, logger: logger.child({ service: 'mail-watcher' }) });
  closers.push({ done: 'mail-watcher stopped', close: () => mail.close() });
  const ingest = await startIngest(config, { database, logger: logger.child({ service: 'ingest' }) });
  closers.push({ done: 'ingest stopped (HTTP closed)', close: () => ingest.close() });
  const t = enabledTriggers(config);
  logger.info(
    `ready: http://${browsableHost(config.HOST)}:${ingest.port} (triggers: ${[t.webhook && 'webhook', t.email && 'email'].filter(Boolean).join(', ')})`,
  );
}

/**
 * All three services in one process for a single machine: embedded PGlite when DATABASE_URL is
 * unset, a private redis-server child when REDIS_URL is unset.
 */
export function serveCommand(): void {
  runService('ci-analyst', async () => {
    const config = loadConfig();
    const logger = createLogger({ service: 'ci-analyst', level: config.LOG_LEVEL, secretValues: secretValuesOf(config) });
    const closers: TCloser[] = [];
    try {
      await startAll(config, logger, closers);
    } catch (err) {
      await closeAll(closers, logger).catch(() => undefined);
      throw err;
    }
    return { close: () => closeAll(closers, logger) };
  });
}
