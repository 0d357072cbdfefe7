export type TBatcherOptions<TItem> = {
  maxInFlight?: number;
  maxBatch?: number;
  /**
   * Caps the summed `weigh(item)` of one write (an item heavier than the cap goes alone): a
   * handful of 25 MB webhook bodies in one statement is hundreds of MB in one message.
   */
  maxWeight?: number;
  weigh?: (item: TItem) => number;
};

/** How many of `items` (at least one) fit in one write under the count and weight caps. */
function batchLength<TItem>(items: { item: TItem }[], maxBatch: number, weigh: ((item: TItem) => number) | undefined, maxWeight: number): number {
  const limit = Math.min(items.length, maxBatch);
  if (!weigh) return limit;
  let total = 0;
  for (let n = 0; n < limit; n++) {
    total += weigh(items[n]!.item);
    if (total > maxWeight) return Math.max(1, n);
  }
  return limit;
}

/**
 * Runs `write` on everything submitted since the last write began, with at most `maxInFlight`
 * writes at once. No timer: at low load an item is written within the same turn of the event
 * loop; under load one write (one commit, one Redis round trip) carries many items. Each caller
 * resolves with its own result.
 */
export function createAdaptiveBatcher<TItem, TResult>(
  write: (items: TItem[]) => Promise<TResult[]>,
  options: TBatcherOptions<TItem> = {},
): { submit(item: TItem): Promise<TResult> } {
  const maxInFlight = options.maxInFlight ?? 4;
  const maxBatch = options.maxBatch ?? 200;
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  type TPending = { item: TItem; resolve(v: TResult): void; reject(e: unknown): void };
  let pending: TPending[] = [];
  let inFlight = 0;
  let flushQueued = false;

  const flush = (): void => {
    flushQueued = false;
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, batchLength(pending, maxBatch, options.weigh, maxWeight));
      pending = pending.slice(batch.length);
      inFlight++;
      write(batch.map((p) => p.item))
        .then(
          (results) => batch.forEach((p, i) => p.resolve(results[i] as TResult)),
          (err: unknown) => batch.forEach((p) => p.reject(err)),
        )
        .finally(() => {
          inFlight--;
          flush();
        });
    }
  };

  return {
    submit: (item) =>
      new Promise<TResult>((resolve, reject) => {
        pending.push({ item, resolve, reject });
        // Flushed once this turn of the event loop has run: everything submitted in it (the
        // requests whose bodies arrived together, the callers one finished batch released) goes
        // in one write instead of the first item going alone.
        if (!flushQueued) {
          flushQueued = true;
          setImmediate(flush);
        }
      }),
  };
}
