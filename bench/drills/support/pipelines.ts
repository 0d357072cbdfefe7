import { and, gte, lte } from 'drizzle-orm';
import { analyses, type TDb } from '@cia/db';
import { readHeartbeats, createRedisConnection, closeRedis } from '@cia/queue';
import { pipelineHook } from '../../../tests/fixtures/gitlab-payloads';

export type TAnalysisRowLite = typeof analyses.$inferSelect;

export type TSendResult = { pipelineId: number; status: number; requestId?: string; error?: string };

/** Posts a Pipeline Hook for one failed pipeline, as GitLab does (own Idempotency-Key per delivery unless given). */
export async function sendPipelineHook(
  ingestUrl: string,
  pipelineId: number,
  options: { projectId?: number; builds?: Record<string, unknown>[]; idempotencyKey?: string; timeoutMs?: number } = {},
): Promise<TSendResult> {
  try {
    const res = await fetch(`${ingestUrl}/webhooks/gitlab`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Gitlab-Event': 'Pipeline Hook',
        'Idempotency-Key': options.idempotencyKey ?? `drill-${pipelineId}-${Math.random().toString(36).slice(2, 10)}`,
      },
      body: JSON.stringify(pipelineHook({ pipelineId, projectId: options.projectId, builds: options.builds })),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const body = (await res.json().catch(() => ({}))) as { request_id?: string };
    return { pipelineId, status: res.status, requestId: body.request_id };
  } catch (err) {
    return { pipelineId, status: 0, error: (err as Error).message };
  }
}

/** Sends many hooks with at most `concurrency` in flight; results in id order. */
export async function sendPipelineHooks(
  ingestUrl: string,
  ids: number[],
  concurrency = 32,
  options: Parameters<typeof sendPipelineHook>[2] = {},
): Promise<TSendResult[]> {
  const results: TSendResult[] = new Array(ids.length);
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const i = next++;
      results[i] = await sendPipelineHook(ingestUrl, ids[i]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
  return results;
}

/** The analysis rows of a pipeline-id range (drills use disjoint ranges). */
export function selectAnalyses(db: TDb, fromPipelineId: number, toPipelineId: number): Promise<TAnalysisRowLite[]> {
  return db
    .select()
    .from(analyses)
    .where(and(gte(analyses.pipelineId, fromPipelineId), lte(analyses.pipelineId, toPipelineId)));
}

/** Polls until `done(rows)` or the deadline; returns the last rows read (errors while the database is down are retried). */
export async function waitForRows(
  read: () => Promise<TAnalysisRowLite[]>,
  done: (rows: TAnalysisRowLite[]) => boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<{ rows: TAnalysisRowLite[]; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  let rows: TAnalysisRowLite[] = [];
  for (;;) {
    try {
      rows = await read();
      if (done(rows)) return { rows, timedOut: false };
    } catch {
      // database restarting: try again
    }
    if (Date.now() > deadline) return { rows, timedOut: true };
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const allFinished = (expected: number) => (rows: TAnalysisRowLite[]) =>
  rows.length >= expected && rows.every((r) => r.status === 'completed' || r.status === 'failed');

/** Waits until `count` worker processes (or, when given, these pids) announce themselves on this prefix. */
export async function waitForWorkers(redisUrl: string, prefix: string, count: number, timeoutMs = 60_000, pids?: number[]): Promise<void> {
  const redis = createRedisConnection(redisUrl, 'producer');
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const live = (await readHeartbeats(redis, prefix).catch(() => [])).filter((h) => h.service === 'worker' && h.state === 'running');
      // A killed process's heartbeat lingers until its TTL; pids tell the new ones apart.
      if (pids ? pids.every((pid) => live.some((h) => h.pid === pid)) : live.length >= count) return;
      if (Date.now() > deadline) throw new Error(`only ${live.length} of ${count} worker processes started within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await closeRedis(redis);
  }
}

/** Counts of rows per pipeline id that appear more than once (must be none). */
export function duplicatePipelines(rows: TAnalysisRowLite[]): number[] {
  const seen = new Map<number, number>();
  for (const r of rows) seen.set(r.pipelineId, (seen.get(r.pipelineId) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Settings every worker child gets in drills and benchmarks (no .env, fast and quiet). */
export function baseWorkerEnv(o: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  ai: Record<string, string>;
}): Record<string, string> {
  return {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    WORKER_CONCURRENCY: String(o.concurrency),
    AI_MAX_CONCURRENCY: String(o.concurrency),
    AI_RATE_LIMIT_PER_MINUTE: '1000000',
    AI_RULES_FIRST: 'false',
    AI_CACHE_TTL_HOURS: '0',
    AI_MAX_RETRIES: '0',
    ...o.ai,
  };
}
