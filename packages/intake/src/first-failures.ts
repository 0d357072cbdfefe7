import { clearEnqueued, insertFirstAnalyses, type TDb, type TFirstAnalysis, type TFirstFailure } from '@cia/db';
import type { TLogger } from '@cia/logger';
import { enqueueMany, type TQueues } from '@cia/queue';
import { createGroupCommit } from './group-commit';
import { withTimeout } from './with-timeout';

export type TFirstFailureItem = TFirstFailure & { delayMs?: number };

/** Sum of the delivery bodies one insert carries (an embedded PGlite failed at 8 × 22 MB). */
const MAX_BODY_BYTES_PER_STATEMENT = 32 * 1024 * 1024;
export type TFirstAccepted = TFirstAnalysis & { enqueued: boolean };

/** Stores and queues first failures; shared by every request of the process. */
export type TFirstFailureWriter = { submit(item: TFirstFailureItem): Promise<TFirstAccepted | undefined> };

export type TFirstFailureDeps = {
  db: TDb;
  queues: Pick<TQueues, 'analyze'>;
  logger: Pick<TLogger, 'warn' | 'error'>;
  enqueueTimeoutMs?: number;
};

type TToEnqueue = { item: TFirstFailureItem; first: TFirstAnalysis };

/**
 * Group commit for the common case, the first failure of a pipeline. Concurrent requests share
 * ONE transaction storing their analyses and deliveries, then ONE addBulk queueing the analyses it
 * created. The analyses are written as enqueued (Redis nearly always takes the job); when Redis
 * does not take a batch, the batch goes back to the outbox (enqueued_at IS NULL) for the relay
 * before anyone is answered. An item whose pipeline already had an analysis gets undefined.
 */
export function createFirstFailureWriter(deps: TFirstFailureDeps): TFirstFailureWriter {
  // Two transactions at a time (one committing while the next is sent): under load each carries
  // everything that queued up meanwhile. More in parallel only makes the batches smaller.
  const inserts = createGroupCommit((items: TFirstFailureItem[]) => insertFirstAnalyses(deps.db, items, { presumeEnqueued: true }), {
    maxInFlight: 2,
    // Raw bodies travel in the statement: big ones (GitLab sends up to 25 MB) share it sparingly.
    weigh: (item) => item.delivery?.body.length ?? 0,
    maxWeight: MAX_BODY_BYTES_PER_STATEMENT,
  });
  // A separate stage, so a slow Redis does not hold up the database writes.
  const enqueues = createGroupCommit((batch: TToEnqueue[]) => enqueueOrReturnToOutbox(deps, batch));
  return {
    async submit(item) {
      const first = await inserts.submit(item);
      if (!first) return undefined;
      return { ...first, enqueued: await enqueues.submit({ item, first }) };
    },
  };
}

/** Queues a batch with one addBulk; when Redis does not take it, puts its analyses back in the outbox. */
async function enqueueOrReturnToOutbox(deps: TFirstFailureDeps, batch: TToEnqueue[]): Promise<boolean[]> {
  const jobs = batch.map(({ item: { input, delayMs }, first }) => ({
    job: 'pipeline.analyze' as const,
    payload: { request_id: first.requestId, trigger: input.trigger, project_id: input.project.id, pipeline_id: input.pipeline.id },
    options: delayMs ? { delay: delayMs } : {},
  }));
  try {
    await withTimeout(enqueueMany(deps.queues, jobs), deps.enqueueTimeoutMs ?? 1500);
    return batch.map(() => true);
  } catch (err) {
    deps.logger.warn('enqueue failed; analyses left to the outbox relay', { count: jobs.length, err: (err as Error).message });
  }
  try {
    await clearEnqueued(
      deps.db,
      batch.map(({ first }) => first.analysisId),
    );
  } catch (err) {
    // Stored but neither in Redis nor in the outbox: the relay's lost-job sweep re-adds them.
    deps.logger.error('could not put analyses back in the outbox; the lost-job sweep will re-add them', {
      count: batch.length,
      err: (err as Error).message,
    });
  }
  return batch.map(() => false);
}
