import { markEnqueuedMany, type TDb } from '@cia/db';
import type { TLogger } from '@cia/logger';

export type TEnqueuedMarker = { mark(analysisId: number): void; flush(): Promise<void> };

/**
 * Sets analyses.enqueued_at in batches off the request path: one UPDATE for many accepted
 * webhooks instead of one round trip each.
 */
export function createEnqueuedMarker(db: TDb, logger: TLogger, delayMs = 20): TEnqueuedMarker {
  let pending: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inflight: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const ids = pending;
    pending = [];
    if (ids.length > 0) {
      inflight = inflight.then(() =>
        markEnqueuedMany(db, ids).catch((err: unknown) => {
          logger.warn('could not mark analyses enqueued; the relay will re-add them', { err: (err as Error).message });
        }),
      );
    }
    await inflight;
  };
  return {
    mark(analysisId) {
      pending.push(analysisId);
      if (!timer) {
        timer = setTimeout(() => void flush(), delayMs);
        timer.unref();
      }
    },
    flush,
  };
}
