/**
 * Runs `write` on everything submitted since the last write began, with at most `maxInFlight`
 * writes at once. No timer: at low load an item is written at once; under load one write (one
 * commit, one Redis round trip) carries many items. Each caller resolves with its own result.
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

  const flush = (): void => {
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
        flush();
      }),
  };
}
