import { clearEnqueuedMany, createAdaptiveBatcher, createFirstAnalyses, type TDb, type TFirstAnalysis, type TFirstFailure } from '@cia/db';
import type { TLogger } from '@cia/logger';
import { enqueueAnalyzePipelines, type TAnalyzeJobRequest, type TQueues } from '@cia/queue';
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

/**
 * Group commit for the common case, the first failure of a pipeline. Requests that arrive while
 * a write is under way share the next one: ONE statement stores their analyses and deliveries
 * (one commit), ONE addBulk queues the analyses it created. The analyses are written as enqueued
 * (Redis nearly always takes the job; this spares a second write of every row); when Redis does
 * not take a batch, ONE update puts it back in the outbox (enqueued_at IS NULL) for the relay,
 * before anyone is answered. An item whose pipeline already had an analysis gets undefined.
 */
export function createFirstFailureWriter(deps: TFirstFailureDeps): TFirstFailureWriter {
  // Two statements at a time (one commit flushing while the next is sent): under load each
  // carries everything that queued up meanwhile, so there are few commits and few, large
  // messages to send and parse. More in parallel only makes the batches smaller.
  const inserts = createAdaptiveBatcher((items: TFirstFailureItem[]) => createFirstAnalyses(deps.db, items, { presumeEnqueued: true }), {
    maxInFlight: 2,
    // Raw bodies travel in the statement: big ones (GitLab sends up to 25 MB) share it sparingly.
    weigh: (item) => item.delivery?.body.length ?? 0,
    maxWeight: MAX_BODY_BYTES_PER_STATEMENT,
  });
  // A separate stage, so a slow Redis does not hold up the database writes.
  const enqueues = createAdaptiveBatcher(async (jobs: TAnalyzeJobRequest[]) => {
    try {
      await withTimeout(enqueueAnalyzePipelines(deps.queues, jobs), deps.enqueueTimeoutMs ?? 1500);
      return jobs.map(() => true);
    } catch (err) {
      deps.logger.warn('enqueue failed; analyses left to the outbox relay', { count: jobs.length, err: (err as Error).message });
      return jobs.map(() => false);
    }
  });
  const backToOutbox = createAdaptiveBatcher(async (analysisIds: number[]) => {
    try {
      await clearEnqueuedMany(deps.db, analysisIds);
    } catch (err) {
      // Stored but neither in Redis nor in the outbox: the relay's lost-job sweep re-adds them.
      deps.logger.error('could not put analyses back in the outbox; the lost-job sweep will re-add them', { count: analysisIds.length, err: (err as Error).message });
    }
    return analysisIds.map(() => undefined);
  });

  return {
    async submit(item) {
      const first = await inserts.submit(item);
      if (!first) return undefined;
      const { input } = item;
      const enqueued = await enqueues.submit({
        payload: { request_id: first.requestId, trigger: input.trigger, project_id: input.project.id, pipeline_id: input.pipeline.id },
        delay: item.delayMs,
      });
      if (!enqueued) await backToOutbox.submit(first.analysisId);
      return { ...first, enqueued };
    },
  };
}
