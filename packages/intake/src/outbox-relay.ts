import { findStale, findUnenqueued, markEnqueued, updateAnalysis, type TAnalysisRow, type TDb } from '@cia/db';
import { enqueue, type TQueues } from '@cia/queue';
import type { TLogger } from '@cia/logger';

export type TOutboxRelay = {
  /** Enqueues accepted analyses that never reached Redis; returns how many. */
  runOnce(): Promise<number>;
  /** Re-adds analyses whose job vanished from Redis (data loss, flush); returns how many. */
  sweepLost(): Promise<number>;
  stop(): Promise<void>;
};

export type TOutboxOptions = {
  intervalMs?: number;
  /** Leave fresh rows to the request that created them. */
  graceMs?: number;
  sweepEveryMs?: number;
  /** A queued/running analysis untouched this long is checked against Redis. */
  staleAfterMs?: number;
};

const analyzeJobOf = (row: TAnalysisRow) => ({
  job: 'pipeline.analyze' as const,
  payload: { request_id: row.requestId, trigger: row.trigger, project_id: row.projectId, pipeline_id: row.pipelineId },
});

/**
 * The database is the source of truth; Redis only carries work. The relay closes the two gaps
 * between them: analyses committed but never enqueued (Redis down, a crash between commit and
 * add), and jobs Redis lost (restart without persistence). The job id is the request id, so
 * re-adding a job that still exists is a no-op and nothing is analysed twice.
 */
export function startOutboxRelay(
  deps: { db: TDb; queues: Pick<TQueues, 'analyze'>; logger: TLogger },
  options: TOutboxOptions = {},
): TOutboxRelay {
  const intervalMs = options.intervalMs ?? 5000;
  const graceMs = options.graceMs ?? 3000;
  const sweepEveryMs = options.sweepEveryMs ?? 60_000;
  const staleAfterMs = options.staleAfterMs ?? 5 * 60_000;
  let running: Promise<unknown> | undefined;
  let stopped = false;
  let lastSweep = Date.now();

  const runOnce = async (): Promise<number> => {
    const rows = await findUnenqueued(deps.db, new Date(Date.now() - graceMs));
    let sent = 0;
    for (const row of rows) {
      if (row.status === 'queued') {
        await enqueue(deps.queues, analyzeJobOf(row));
        sent++;
      }
      await markEnqueued(deps.db, row.id);
    }
    if (sent > 0) deps.logger.info('outbox relay enqueued analyses', { count: sent });
    return sent;
  };

  const sweepLost = async (): Promise<number> => {
    const rows = await findStale(deps.db, new Date(Date.now() - staleAfterMs));
    let readded = 0;
    for (const row of rows) {
      const job = await deps.queues.analyze.getJob(row.requestId);
      if (job) continue;
      await enqueue(deps.queues, analyzeJobOf(row));
      await updateAnalysis(deps.db, row.id, { status: 'queued' });
      readded++;
    }
    if (readded > 0) deps.logger.warn('re-enqueued analyses whose jobs were missing from Redis', { count: readded });
    return readded;
  };

  const tick = () => {
    if (stopped || running) return;
    const sweep = Date.now() - lastSweep >= sweepEveryMs;
    running = (async () => {
      await runOnce();
      if (sweep) {
        lastSweep = Date.now();
        await sweepLost();
      }
    })()
      .catch((err: unknown) => deps.logger.debug('outbox relay waiting for Redis or the database', { err: (err as Error).message }))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    runOnce,
    sweepLost,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
