import { loadConfig, enabledTriggers, secretValuesOf } from '@cia/config';
import { applyMigrations, openDatabase } from '@cia/db';
import { startIngest } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { runService } from '@cia/logger';
import { startMailWatcher } from '@cia/mail-watcher';
import { startWorker } from '@cia/worker';
import { startPrivateRedis } from '../private-redis';

/**
 * All three services in one process for a single machine: embedded PGlite when DATABASE_URL is
 * unset, a private redis-server child when REDIS_URL is unset.
 */
export function serveCommand(): void {
  runService('ci-analyst', async () => {
    let config = loadConfig();
    const logger = createLogger({ service: 'ci-analyst', level: config.LOG_LEVEL, secretValues: secretValuesOf(config) });
    const redis = config.REDIS_URL ? undefined : await startPrivateRedis(config.DATA_DIR);
    if (redis) {
      config = Object.freeze({ ...config, REDIS_URL: redis.url });
      logger.info(`started private redis-server at ${redis.url} (data in ${config.DATA_DIR}/redis)`);
    }
    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    try {
      await applyMigrations(database);
      logger.info(`database ready (${database.kind === 'pglite' ? `PGlite in ${config.DATA_DIR}/pglite` : 'PostgreSQL'})`);
      const worker = await startWorker(config, { database, logger: logger.child({ service: 'worker' }) });
      const mail = await startMailWatcher(config, { database, logger: logger.child({ service: 'mail-watcher' }) });
      const ingest = await startIngest(config, { database, logger: logger.child({ service: 'ingest' }) });
      const t = enabledTriggers(config);
      logger.info(`ready: http://127.0.0.1:${ingest.port} (triggers: ${[t.webhook && 'webhook', t.email && 'email'].filter(Boolean).join(', ')})`);
      return {
        close: async () => {
          await ingest.close();
          await mail.close();
          await worker.close();
          await database.close();
          await redis?.stop();
        },
      };
    } catch (err) {
      await database.close().catch(() => undefined);
      await redis?.stop();
      throw err;
    }
  });
}
