export type TGroupCommit<TItem, TResult> = { submit(item: TItem): Promise<TResult> };

export type TGroupCommitOptions<TItem> = {
  /** Writes under way at once; items that arrive meanwhile wait for the next write. */
  maxInFlight?: number;
  /** Most items in one write. */
  maxBatch?: number;
  /**
   * Caps the summed `weigh(item)` of one write (an item heavier than the cap goes alone): a
   * handful of 25 MB webhook bodies in one statement is hundreds of MB in one message.
   */
  maxWeight?: number;
  weigh?: (item: TItem) => number;
};

/** How many of `waiting` (at least one) fit in one write under the count and weight caps. */
function batchLength<TItem>(waiting: { item: TItem }[], options: TGroupCommitOptions<TItem>): number {
  const limit = Math.min(waiting.length, options.maxBatch ?? 200);
  if (!options.weigh) return limit;
  const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY;
  let total = 0;
  for (let n = 0; n < limit; n++) {
    total += options.weigh(waiting[n]!.item);
    if (total > maxWeight) return Math.max(1, n);
  }
  return limit;
}

/**
 * A group commit: everything submitted in one turn of the event loop, or while earlier writes
 * are under way, goes in ONE call of `write` (one commit, one Redis round trip), and each caller
 * gets its own result (`write` returns one result per item, in order). No timer: at low load an
 * item is written in the turn it arrived; under load each write carries many items. This is what
 * keeps ingest near a bare HTTP handler's throughput during a burst of webhooks.
 */
export function createGroupCommit<TItem, TResult>(
  write: (items: TItem[]) => Promise<TResult[]>,
  options: TGroupCommitOptions<TItem> = {},
): TGroupCommit<TItem, TResult> {
  const maxInFlight = options.maxInFlight ?? 4;
  type TWaiting = { item: TItem; resolve(result: TResult): void; reject(err: unknown): void };
  let waiting: TWaiting[] = [];
  let inFlight = 0;
  let flushScheduled = false;

  const flush = (): void => {
    flushScheduled = false;
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.slice(0, batchLength(waiting, options));
      waiting = waiting.slice(batch.length);
      inFlight++;
      write(batch.map((w) => w.item))
        .then(
          (results) => batch.forEach((w, i) => w.resolve(results[i] as TResult)),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
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
        waiting.push({ item, resolve, reject });
        // After this turn: the requests whose bodies arrived together go in one write, instead
        // of the first one going alone.
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      }),
  };
}
