import type { TConfig } from '@cia/config';
import { enabledTriggers, secretValuesOf } from '@cia/config';
import { applyMigrations, openDatabase, type TDatabase } from '@cia/db';
import { startOutboxRelay } from '@cia/intake';
import { createGitLabClient, pickClientOptions } from '@cia/gitlab';
import { createLogger, type TLogger } from '@cia/logger';
import { createQueues, createRedisConnection, reportRedisOutages, startHeartbeat } from '@cia/queue';
import { createProjectResolver } from './email/project-resolver';
import { imapSettingsFromConfig, type TImapSettings } from './imap/imap-client';
import { createMailWatcher, type TMailWatcher, type TMailWatcherOptions } from './watcher/mail-watcher';

export type TMailWatcherHandle = { close(): Promise<void>; watcher?: TMailWatcher };

/** Knobs tests and drills turn (small backoff, forced polling, TLS options). */
export type TMailWatcherTuning = Partial<Pick<TMailWatcherOptions, 'useIdle' | 'reconnectBaseMs' | 'reconnectMaxMs' | 'pollIntervalMs'>> & {
  imap?: Partial<TImapSettings>;
};

export function watcherOptionsFromConfig(config: TConfig, tuning: TMailWatcherTuning = {}): TMailWatcherOptions {
  const { imap, ...rest } = tuning;
  return {
    imap: { ...imapSettingsFromConfig(config), ...imap },
    rules: { senders: config.IMAP_GITLAB_EMAIL, failureKeywords: config.IMAP_FAILURE_KEYWORDS },
    afterProcess: config.IMAP_AFTER_PROCESS,
    processedFolder: config.IMAP_PROCESSED_FOLDER,
    pollIntervalMs: config.IMAP_CHECK_INTERVAL * 1000,
    ...rest,
  };
}

/**
 * Starts the IMAP watcher when the email trigger is on (TRIGGER_MODE=email/both or IMAP_ENABLED):
 * its own producer Redis connection, queues, outbox relay and heartbeat (read by /health/detailed).
 * Resources passed in are shared, not closed.
 */
export async function startMailWatcher(
  config: TConfig,
  shared: { database?: TDatabase; logger?: TLogger; watcher?: TMailWatcherTuning } = {},
): Promise<TMailWatcherHandle> {
  const logger = shared.logger ?? createLogger({ service: 'mail-watcher', level: config.LOG_LEVEL, secretValues: secretValuesOf(config) });
  if (!enabledTriggers(config).email) {
    logger.info('email trigger is off (TRIGGER_MODE=webhook); mail-watcher idle');
    return { close: async () => undefined };
  }
  if (!config.REDIS_URL) throw new Error('REDIS_URL is required to start the mail-watcher on its own (npm start provides one)');
  const options = watcherOptionsFromConfig(config, shared.watcher);
  if (options.rules.senders.length === 0) logger.warn('IMAP_GITLAB_EMAIL is empty: GitLab pipeline emails from any sender are accepted');

  const database = shared.database ?? (await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR }));
  if (!shared.database) await applyMigrations(database);
  const redis = createRedisConnection(config.REDIS_URL, 'producer');
  reportRedisOutages(redis, config.REDIS_URL, logger);
  const queues = createQueues(redis, config.QUEUE_PREFIX);
  const relay = startOutboxRelay({ db: database.db, queues, logger });
  // Only needed for emails that name a project by path; without a token they are skipped.
  const resolveProject = config.GITLAB_API_TOKEN
    ? createProjectResolver(createGitLabClient({ ...pickClientOptions(config), retries: 1 }))
    : undefined;
  const watcher = createMailWatcher({ db: database.db, queues, logger, resolveProject, secretValues: secretValuesOf(config) }, options);
  const heartbeat = startHeartbeat(redis, config.QUEUE_PREFIX, 'mail-watcher', () => watcher.status());
  watcher.onStateChange(() => void heartbeat.beat());
  watcher.start();

  return {
    watcher,
    close: async () => {
      await watcher.stop();
      await heartbeat.stop();
      await relay.stop();
      await queues.close();
      redis.disconnect();
      if (!shared.database) await database.close();
    },
  };
}
