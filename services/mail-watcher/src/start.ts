import type { TConfig } from '@cia/config';
import { enabledTriggers } from '@cia/config';
import type { TDatabase } from '@cia/db';
import { createLogger, type TLogger } from '@cia/logger';

export type TMailWatcherHandle = { close(): Promise<void> };

/** Starts the IMAP watcher when the email trigger is on (TRIGGER_MODE=email/both or IMAP_ENABLED). */
export async function startMailWatcher(config: TConfig, shared: { database?: TDatabase; logger?: TLogger } = {}): Promise<TMailWatcherHandle> {
  const logger = shared.logger ?? createLogger({ service: 'mail-watcher', level: config.LOG_LEVEL });
  if (!enabledTriggers(config).email) {
    logger.info('email trigger is off (TRIGGER_MODE=webhook); mail-watcher idle');
    return { close: async () => undefined };
  }
  logger.warn('email trigger requested but the IMAP watcher is not built yet');
  return { close: async () => undefined };
}
