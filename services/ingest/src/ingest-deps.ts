import type { TConfig } from '@cia/config';
import type { TDb } from '@cia/db';
import type { TLogger } from '@cia/logger';
import type { TQueues } from '@cia/queue';

export type THealthComponent = { status: 'ok' | 'down' | 'disabled'; required: boolean; detail?: unknown };
export type THealthReport = { components: Record<string, THealthComponent> };

/** Everything the HTTP app needs, built by start() or by a test. */
export type TIngestDeps = {
  config: TConfig;
  db: TDb;
  queues: TQueues;
  logger: TLogger;
  health: {
    check(): Promise<THealthReport>;
    /** Says "Redis at <url> is down" while the connection is not ready; undefined when it is. */
    redisDown?(): string | undefined;
  };
};
