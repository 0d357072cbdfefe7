import type { TConfig } from '@cia/config';
import type { TDb } from '@cia/db';
import type { GitLabClient } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';
import type { TPostbackSettings } from '@cia/postback';
import type { TQueuesFor } from '@cia/queue';

/** What flaky verification works with (start.ts builds it once per worker process). */
export type TRetryDeps = {
  db: TDb;
  logger: TLogger;
  config: Pick<TConfig, 'VERDICT_RETRY_FLAKY_PROJECTS' | 'VERDICT_RETRY_POLL_SECONDS' | 'VERDICT_RETRY_WAIT_MINUTES'>;
  /** Absent without GITLAB_API_TOKEN: nothing is retried. */
  gitlab?: GitLabClient;
  /** The verdicts queue (retry, looks at it) and the post-back queue (the note posted again). */
  queues: TQueuesFor<'verdict.retry' | 'verdict.retry-check' | 'analysis.post'>;
  postback: TPostbackSettings;
};
