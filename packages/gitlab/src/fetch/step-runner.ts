import { maskDeep, type TMasker } from '@cia/contracts';
import type { TReadStop } from '../bounded-text';
import type { TFetchCache } from './fetch-cache';
import { isGitLabError } from '../gitlab.errors';
import type { TFetchOptions, TFetchState, TFetchStateEntry, TFetchStepRecord } from './pipeline-context.types';

export type TStepResult<T> = { data: T; bytes?: number; count?: number; truncated?: boolean; readStop?: TReadStop | null };

/** Where a step's answer may be shared between analyses (see fetch-cache.ts). */
export type TStepCache<T> = { store?: TFetchCache; key: string; ttlMs: number; bytes?: (data: T) => number };

/** Steps whose data is a job log: masked line by line when excerpted, not here (see maskStepData). */
const LOG_STEP = /^(?:baseline_)?trace:/;

/** True for the steps that fetch a job log (too big to keep in the fetch state). */
export function isLogStep(key: string): boolean {
  return LOG_STEP.test(key);
}

/**
 * The fetch masking point: what a step got from GitLab (CI config, commit message, test-report
 * traces, artifact files, titles) is masked before it is recorded, cached, persisted or used.
 * Job logs are not: megabytes of log are masked as the few lines the excerpt keeps.
 */
function maskStepData<T>(key: string, data: T, mask: TMasker | undefined): T {
  return mask === undefined || isLogStep(key) ? data : maskDeep(data, mask);
}

/** Codes that will not change on a retry: the step is recorded as done (with no data) and not tried again. */
const PERMANENT = new Set(['not_found', 'unauthorized', 'forbidden', 'client_error', 'invalid_response', 'redirect_refused']);

function jsonBytes(value: unknown): number {
  return value === undefined || value === null ? 0 : Buffer.byteLength(JSON.stringify(value));
}

function answeredRecord<T>(key: string, result: TStepResult<T>, started: number): TFetchStepRecord {
  return {
    step: key,
    ok: true,
    bytes: result.bytes ?? jsonBytes(result.data),
    count: result.count ?? (result.data === null ? 0 : 1),
    ms: Date.now() - started,
    source: 'api',
    ...(result.truncated ? { truncated: true } : {}),
    ...(result.readStop ? { read_stop: result.readStop } : {}),
  };
}

/** A failed step's record; its message is masked (GitLab's error text can echo what was sent). */
function failedRecord(key: string, err: unknown, started: number, mask: TMasker | undefined): TFetchStepRecord {
  const message = (err as Error).message;
  return {
    step: key,
    ok: false,
    bytes: 0,
    count: 0,
    ms: Date.now() - started,
    error: mask ? mask(message) : message,
    error_code: isGitLabError(err) ? err.code : 'internal',
    source: 'api',
  };
}

/**
 * An empty fetch state. Its keys name jobs and pipelines (`trace:<job id>`), new in every analysis:
 * a plain object would get a new V8 hidden class for each such key (slow, megamorphic stores and a
 * transition tree that only grows); a prototype-less object is a hash table from the start.
 */
export function createFetchState(): TFetchState {
  return Object.create(null) as TFetchState;
}

/**
 * Runs fetch steps once each: a step found in `previous` is reused, every outcome is recorded and
 * handed to `onStep` before the next step, and transient failures are thrown (so the job is retried)
 * unless the caller prefers a partial context.
 */
export function createStepRunner(options: TFetchOptions) {
  const previous = options.previous ?? {};
  const failOnTransient = options.failOnTransient ?? true;
  const records: TFetchStepRecord[] = [];
  const state = createFetchState();

  const save = async (key: string, entry: TFetchStateEntry) => {
    state[key] = entry;
    records.push(entry.record);
    await options.onStep?.(key, entry);
  };

  const runner = {
    records,
    state,
    async step<T>(key: string, load: () => Promise<TStepResult<T>>): Promise<T | null> {
      const earlier = previous[key];
      if (earlier && 'data' in earlier) {
        state[key] = earlier;
        records.push({ ...earlier.record, source: 'previous' });
        return earlier.data as T | null;
      }
      const started = Date.now();
      try {
        const loaded = await load();
        const result = { ...loaded, data: maskStepData(key, loaded.data, options.mask) };
        await save(key, { record: answeredRecord(key, result, started), data: result.data ?? null });
        return result.data ?? null;
      } catch (err) {
        const record = failedRecord(key, err, started, options.mask);
        const permanent = PERMANENT.has(record.error_code ?? 'internal');
        await save(key, permanent ? { record, data: null } : { record });
        if (!permanent && (failOnTransient || !isGitLabError(err))) throw err;
        return null;
      }
    },
    /** Like step, but an answer another analysis fetched recently (same cache key) is reused. */
    async cached<T>(key: string, cache: TStepCache<T>, load: () => Promise<TStepResult<T>>): Promise<T | null> {
      const store = cache.store;
      if (!store || previous[key]) return runner.step(key, load);
      const hit = store.get<{ data: T; bytes: number; count: number; truncated?: boolean }>(cache.key);
      if (hit) {
        await save(key, {
          record: {
            step: key,
            ok: true,
            bytes: hit.bytes,
            count: hit.count,
            ms: 0,
            source: 'cache',
            ...(hit.truncated ? { truncated: true } : {}),
          },
          data: hit.data,
        });
        return hit.data;
      }
      const data = await runner.step(key, load);
      const record = state[key]?.record;
      if (data !== null && record?.ok) {
        store.set(
          cache.key,
          { data, bytes: record.bytes, count: record.count, truncated: record.truncated },
          cache.ttlMs,
          cache.bytes?.(data),
        );
      }
      return data;
    },
    /** Records that the trigger already said it, so no request was made. */
    fromTrigger<T>(key: string, data: T): T {
      const entry: TFetchStateEntry = { record: { step: key, ok: true, bytes: 0, count: 1, ms: 0, source: 'trigger' }, data };
      state[key] = entry;
      records.push(entry.record);
      return data;
    },
  };
  return runner;
}

export type TStepRunner = ReturnType<typeof createStepRunner>;
