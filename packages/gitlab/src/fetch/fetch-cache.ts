import { LRUCache } from 'lru-cache';

/**
 * Per-process memo of GitLab answers shared by analyses: project facts that rarely change (kept
 * minutes), the last green pipelines of a ref (kept seconds), and what a finished pipeline can no
 * longer change (its job list, a finished job's log). Bounded by a byte budget, oldest out first.
 */
export type TFetchCache = {
  get<T>(key: string): T | undefined;
  /** `bytes`: what the value weighs against the budget (a log's length; small JSON counts 1 KB). */
  set(key: string, value: unknown, ttlMs: number, bytes?: number): void;
};

export const FETCH_CACHE_TTL = {
  /** Project record and languages. */
  project: 10 * 60_000,
  /** Green pipelines of a ref: the baseline may be this much older than the newest green run. */
  greenPipelines: 30_000,
  /** Finished pipelines' jobs and finished jobs' logs do not change. */
  finished: 60 * 60_000,
} as const;

/** One value too big for a quarter of the budget is not kept: it would push out everything else. */
export function createFetchCache(options: { maxBytes?: number } = {}): TFetchCache {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  // Values are boxed: lru-cache stores objects, and a cached answer may be null (no MR, no config).
  const entries = new LRUCache<string, { value: unknown }>({ maxSize: maxBytes, maxEntrySize: maxBytes / 4 });
  return {
    get<T>(key: string): T | undefined {
      return entries.get(key)?.value as T | undefined;
    },
    set(key, value, ttlMs, bytes = 1024) {
      entries.set(key, { value }, { ttl: ttlMs, size: bytes });
    },
  };
}
