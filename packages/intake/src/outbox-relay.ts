import { findUnenqueued, markEnqueued, type TDb } from '@cia/db';
import { enqueueAnalyzePipeline, type TQueues } from '@cia/queue';
import type { TLogger } from '@cia/logger';

export type TOutboxRelay = { runOnce(): Promise<number>; stop(): Promise<void> };

/**
 * Enqueues analyses that were accepted but never reached Redis (Redis down, process killed
 * between the commit and the add). The job id is the request id, so a second add is a no-op.
 */
export function startOutboxRelay(
  deps: { db: TDb; queues: Pick<TQueues, 'analyze'>; logger: TLogger },
  options: { intervalMs?: number; graceMs?: number } = {},
): TOutboxRelay {
  const intervalMs = options.intervalMs ?? 5000;
  const graceMs = options.graceMs ?? 3000;
  let running: Promise<number> | undefined;
  let stopped = false;

  const runOnce = async (): Promise<number> => {
    const rows = await findUnenqueued(deps.db, new Date(Date.now() - graceMs));
    let sent = 0;
    for (const row of rows) {
      if (row.status !== 'queued') {
        await markEnqueued(deps.db, row.id);
        continue;
      }
      await enqueueAnalyzePipeline(deps.queues, { request_id: row.requestId, trigger: row.trigger, project_id: row.projectId, pipeline_id: row.pipelineId });
      await markEnqueued(deps.db, row.id);
      sent++;
    }
    if (sent > 0) deps.logger.info('outbox relay enqueued analyses', { count: sent });
    return sent;
  };

  const tick = () => {
    if (stopped || running) return;
    running = runOnce()
      .catch((err: unknown) => {
        deps.logger.debug('outbox relay waiting for Redis or the database', { err: (err as Error).message });
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
