import type { analyzePipeline } from '@cia/ai';
import type { TConfig } from '@cia/config';
import type { TDb } from '@cia/db';
import type { GitLabClient, TFetchCache } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';
import type { TPostbackSettings } from '@cia/postback';
import type { TQueuesFor } from '@cia/queue';

/** What the analysis pipeline works with, built once per worker process (start.ts) or by a test. */
export type TPipelineDeps = {
  db: TDb;
  logger: TLogger;
  config: TConfig;
  /** Absent when no GITLAB_API_TOKEN is set: the analysis uses what the trigger carried. */
  gitlab?: GitLabClient;
  /** GitLab answers shared by this process's analyses (project facts, baselines). */
  gitlabCache?: TFetchCache;
  /** SDK clients built once per worker process and reused. */
  providers?: Parameters<typeof analyzePipeline>[1]['providers'];
  /** Where the post back step queues its jobs; without it nothing is posted back (tests of the analysis alone). */
  postback?: { queues: TQueuesFor<'analysis.post' | 'incident.new'>; settings: TPostbackSettings };
  /** Where flaky retries are queued (verdict-retry/); without it nothing is retried. */
  verdictRetry?: { queues: TQueuesFor<'verdict.retry'> };
};
