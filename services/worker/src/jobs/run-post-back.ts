import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { TNoteOutcome } from '@cia/postback';
import type { TPostbackJobDeps } from './post-back-deps';

type TFailure = Error & { transient?: boolean; status?: number | null; retryAfterMs?: number };

/**
 * Runs one post-back job and says what it did. Errors the endpoint will repeat (4xx, unknown
 * analysis) stop the job; a 429 with a wait pauses the whole post-back queue for that long (not
 * counted as an attempt); everything else is retried with backoff.
 */
export async function runPostBack(
  deps: TPostbackJobDeps,
  job: Job,
  post: () => Promise<TNoteOutcome[]>,
): Promise<{ outcomes: TNoteOutcome[] }> {
  const logger = deps.logger.child({ job_id: job.id, job: job.name, attempt: job.attemptsMade + 1 });
  try {
    const outcomes = await post();
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
}
