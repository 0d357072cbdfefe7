import type { TDb } from '@cia/db';
import type { GitLabClient } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';
import type { TPostbackSettings } from '@cia/postback';
import type { TQueuesFor } from '@cia/queue';

/** What the post-back jobs work with, built once per worker process (start.ts) or by a test. */
export type TPostbackJobDeps = {
  db: TDb;
  logger: TLogger;
  settings: TPostbackSettings;
  gitlab?: GitLabClient;
  /** Pauses the whole post-back queue (BullMQ rate limit) when an endpoint says how long to wait. */
  rateLimit?: (ms: number) => Promise<void>;
  /** Where the digest job queues its posts (one per channel). */
  queues?: TQueuesFor<'incidents.digest.post'>;
};
