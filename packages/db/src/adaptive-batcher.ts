/**
 * Runs `write` on everything submitted since the last write began, with at most `maxInFlight`
 * writes at once. No timer: at low load an item is written within the same turn of the event
 * loop; under load one write (one commit, one Redis round trip) carries many items. Each caller
 * resolves with its own result.
 */
export function createAdaptiveBatcher<TItem, TResult>(
  write: (items: TItem[]) => Promise<TResult[]>,
  options: { maxInFlight?: number; maxBatch?: number } = {},
): { submit(item: TItem): Promise<TResult> } {
  const maxInFlight = options.maxInFlight ?? 4;
  const maxBatch = options.maxBatch ?? 200;
  type TPending = { item: TItem; resolve(v: TResult): void; reject(e: unknown): void };
  let pending: TPending[] = [];
  let inFlight = 0;
  let flushQueued = false;

  const flush = (): void => {
    flushQueued = false;
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
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
