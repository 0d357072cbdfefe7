import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { TDb } from '@cia/db';
import type { GitLabClient } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';
import { deliverAnalysis, markNoteFixed, type TNoteOutcome, type TPostbackSettings } from '@cia/postback';
import { PIPELINE_FIXED_JOB, POST_ANALYSIS_JOB } from '@cia/queue';

export type TPostProcessorDeps = {
  db: TDb;
  logger: TLogger;
  settings: TPostbackSettings;
  gitlab?: GitLabClient;
  /** Pauses the whole post-back queue (BullMQ rate limit) when an endpoint says how long to wait. */
  rateLimit?: (ms: number) => Promise<void>;
};

type TFailure = Error & { transient?: boolean; status?: number | null; retryAfterMs?: number };

async function run(deps: TPostProcessorDeps, job: Job): Promise<TNoteOutcome[]> {
  if (job.name === POST_ANALYSIS_JOB.name) {
    const parsed = POST_ANALYSIS_JOB.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    return [await deliverAnalysis(deps, parsed.data, String(job.id))];
  }
  if (job.name === PIPELINE_FIXED_JOB.name) {
    const parsed = PIPELINE_FIXED_JOB.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    return markNoteFixed({ db: deps.db, gitlab: deps.settings.enabled ? deps.gitlab : undefined, settings: deps.settings }, parsed.data);
  }
  throw new UnrecoverableError(`unknown job ${job.name}`);
}

/**
 * Thin: validate, post, return. Errors the endpoint will repeat (4xx, unknown analysis) stop the
 * job; a 429 with a wait pauses the queue for that long; everything else is retried with backoff.
 */
export function createPostAnalysisProcessor(deps: TPostProcessorDeps) {
  return async (job: Job): Promise<{ outcomes: TNoteOutcome[] }> => {
    const logger = deps.logger.child({ job_id: job.id, job: job.name, attempt: job.attemptsMade + 1 });
    try {
      const outcomes = await run(deps, job);
      logger.info('post-back done', { outcomes });
      return { outcomes };
    } catch (caught) {
      const err = caught as TFailure;
      logger.warn('post-back attempt failed', { err: err.message });
      if (err instanceof UnrecoverableError) throw err;
      if (err.status === 429 && err.retryAfterMs && deps.rateLimit) {
        await deps.rateLimit(err.retryAfterMs);
        throw Worker.RateLimitError();
      }
      if (err.transient === false) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
