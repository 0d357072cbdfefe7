/**
 * Per-process memo of GitLab answers shared by analyses: project facts that rarely change (kept
 * minutes), the last green pipelines of a ref (kept seconds), and what a finished pipeline can no
 * longer change (its job list, a finished job's log). Bounded by a byte budget, oldest out first.
 */
export type TGatherCache = {
  get<T>(key: string): T | undefined;
  /** `bytes`: what the value weighs against the budget (a log's length; small JSON counts 1 KB). */
  set(key: string, value: unknown, ttlMs: number, bytes?: number): void;
};

export const GATHER_CACHE_TTL = {
  /** Project record and languages. */
  project: 10 * 60_000,
  /** Green pipelines of a ref: the baseline may be this much older than the newest green run. */
  greenPipelines: 30_000,
  /** Finished pipelines' jobs and finished jobs' logs do not change. */
  finished: 60 * 60_000,
} as const;

type TEntry = { value: unknown; expires: number; bytes: number };

export function createGatherCache(options: { maxBytes?: number } = {}): TGatherCache {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  // A Map iterates in insertion order: re-inserting on write makes the first key the oldest.
  const entries = new Map<string, TEntry>();
  let used = 0;
  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    used -= entry.bytes;
    entries.delete(key);
  };
  return {
    get<T>(key: string): T | undefined {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expires <= Date.now()) {
        drop(key);
        return undefined;
      }
      return entry.value as T;
    },
    set(key, value, ttlMs, bytes = 1024) {
      drop(key);
      if (bytes > maxBytes / 4) return;
      entries.set(key, { value, expires: Date.now() + ttlMs, bytes });
      used += bytes;
      for (const oldest of entries.keys()) {
        if (used <= maxBytes) break;
        drop(oldest);
      }
    },
  };
}
