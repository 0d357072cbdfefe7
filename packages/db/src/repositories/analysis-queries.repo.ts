import { and, desc, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { TAnalysisStatus, TTrigger, TVerdictStats } from '@cia/contracts';
import type { TDb } from '../client';
import { rowsOf } from '../migrate';
import { analyses, processedEmails, webhookDeliveries } from '../schema';
import type { TAnalysisRow } from './analyses.repo';
import { summarizeVerdicts } from './verdict-stats.repo';

export type TAnalysisFilters = {
  projectId?: number;
  status?: TAnalysisStatus;
  category?: string;
  trigger?: TTrigger;
  since?: Date;
};

/**
 * Position after the last row of a page. `createdAt` is PostgreSQL's own text with microseconds:
 * a JS Date keeps only milliseconds, and rows created within the same millisecond would be skipped.
 */
export type TAnalysisCursor = { createdAt: string; id: number };

export type TAnalysisPage = { rows: TAnalysisRow[]; nextCursor: TAnalysisCursor | null };

function whereFilters(filters: TAnalysisFilters): SQL | undefined {
  return and(
    filters.projectId !== undefined ? eq(analyses.projectId, filters.projectId) : undefined,
    filters.status ? eq(analyses.status, filters.status) : undefined,
    filters.category ? eq(analyses.category, filters.category) : undefined,
    filters.trigger ? eq(analyses.trigger, filters.trigger) : undefined,
    filters.since ? gte(analyses.createdAt, filters.since) : undefined,
  );
}

const CURSOR_TEXT = sql<string>`to_char(${analyses.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while rows arrive. */
export async function listAnalyses(
  db: TDb,
  filters: TAnalysisFilters,
  page: { limit: number; cursor?: TAnalysisCursor },
): Promise<TAnalysisPage> {
  const after = page.cursor
    ? sql`(${analyses.createdAt}, ${analyses.id}) < (${page.cursor.createdAt}::timestamptz, ${page.cursor.id})`
    : undefined;
  const found = await db
    .select({ row: analyses, cursorAt: CURSOR_TEXT })
    .from(analyses)
    .where(and(whereFilters(filters), after))
    .orderBy(desc(analyses.createdAt), desc(analyses.id))
    .limit(page.limit + 1);
  const rows = found.slice(0, page.limit);
  const last = found.length > page.limit ? rows[rows.length - 1] : undefined;
  return { rows: rows.map((r) => r.row), nextCursor: last ? { createdAt: last.cursorAt, id: last.row.id } : null };
}

export type TPercentiles = { p50: number | null; p95: number | null };

/** GET /analysis/stats/summary, snake_case because it is the public shape. */
export type TAnalysisSummary = {
  total: number;
  by_status: Record<string, number>;
  by_category: Record<string, number>;
  by_provider: Record<string, number>;
  /** completed / (completed + failed); null before anything finished. */
  success_rate: number | null;
  /** From the worker starting the analysis to its result. */
  processing_seconds: TPercentiles;
  /** From the trigger arriving to the result. */
  end_to_end_seconds: TPercentiles;
  tokens: { input: number; output: number; total: number };
  cost_usd: number;
  cache_hits: number;
  /** The failed jobs' verdicts and the flaky retries' outcomes. */
  verdicts: TVerdictStats;
};

const num = (v: unknown): number => Number(v ?? 0);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function countBy(db: TDb, column: SQL, where: SQL | undefined): Promise<Record<string, number>> {
  const rows = await db
    .select({ key: sql<string>`${column}`, n: sql<number>`count(*)`.mapWith(Number) })
    .from(analyses)
    .where(and(where, sql`${column} is not null`))
    .groupBy(column);
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

/** Aggregates in SQL (never loads rows), identical on PostgreSQL and PGlite. */
export async function summarizeAnalyses(db: TDb, filters: TAnalysisFilters = {}): Promise<TAnalysisSummary> {
  const where = whereFilters(filters);
  const processing = sql`extract(epoch from (${analyses.completedAt} - coalesce(${analyses.startedAt}, ${analyses.createdAt})))`;
  const endToEnd = sql`extract(epoch from (${analyses.completedAt} - ${analyses.createdAt}))`;
  const done = sql`${analyses.status} = 'completed' and ${analyses.completedAt} is not null`;
  const [totals] = await db
    .select({
      total: sql`count(*)`,
      completed: sql`count(*) filter (where ${analyses.status} = 'completed')`,
      failed: sql`count(*) filter (where ${analyses.status} = 'failed')`,
      inputTokens: sql`coalesce(sum(${analyses.inputTokens}), 0)`,
      outputTokens: sql`coalesce(sum(${analyses.outputTokens}), 0)`,
      cost: sql`coalesce(sum(${analyses.costUsd}), 0)`,
      cacheHits: sql`count(*) filter (where ${analyses.cacheHit})`,
      p50: sql`percentile_cont(0.5) within group (order by ${processing}) filter (where ${done})`,
      p95: sql`percentile_cont(0.95) within group (order by ${processing}) filter (where ${done})`,
      e2e50: sql`percentile_cont(0.5) within group (order by ${endToEnd}) filter (where ${done})`,
      e2e95: sql`percentile_cont(0.95) within group (order by ${endToEnd}) filter (where ${done})`,
    })
    .from(analyses)
    .where(where);
  const [byStatus, byCategory, byProvider, verdicts] = await Promise.all([
    countBy(db, sql`${analyses.status}`, where),
    countBy(db, sql`${analyses.category}`, where),
    countBy(db, sql`${analyses.provider}`, where),
    summarizeVerdicts(db, where),
  ]);
  const completed = num(totals?.completed);
  const finished = completed + num(totals?.failed);
  const input = num(totals?.inputTokens);
  const output = num(totals?.outputTokens);
  return {
    total: num(totals?.total),
    by_status: byStatus,
    by_category: byCategory,
    by_provider: byProvider,
    success_rate: finished > 0 ? completed / finished : null,
    processing_seconds: { p50: numOrNull(totals?.p50), p95: numOrNull(totals?.p95) },
    end_to_end_seconds: { p50: numOrNull(totals?.e2e50), p95: numOrNull(totals?.e2e95) },
    tokens: { input, output, total: input + output },
    cost_usd: num(totals?.cost),
    cache_hits: num(totals?.cacheHits),
    verdicts,
  };
}

export type TAnalysisMetricsSnapshot = {
  analyses: { status: string; category: string; count: number }[];
  failures: { code: string; count: number }[];
  usage: {
    provider: string;
    model: string;
    analyses: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    cacheHits: number;
  }[];
  /** `fetch_state.provider_errors` entries ({provider, code}) written by the worker. */
  providerErrors: { provider: string; code: string; count: number }[];
  webhookDeliveries: { outcome: string; count: number }[];
  emails: { outcome: string; count: number }[];
};

/**
 * What /metrics exposes about work done by any process (ingest, workers, mail-watcher), read at
 * scrape time so every replica reports the same truth.
 */
export async function readAnalysisMetrics(db: TDb): Promise<TAnalysisMetricsSnapshot> {
  const a = analyses;
  const [byOutcome, failures, usage, providerErrors, deliveries, emails] = await Promise.all([
    db
      .select({ status: a.status, category: sql<string>`coalesce(${a.category}, 'none')`, count: sql<number>`count(*)`.mapWith(Number) })
      .from(a)
      .groupBy(a.status, sql`coalesce(${a.category}, 'none')`),
    db
      .select({ code: sql<string>`coalesce(${a.error}->>'code', 'unknown')`, count: sql<number>`count(*)`.mapWith(Number) })
      .from(a)
      .where(eq(a.status, 'failed'))
      .groupBy(sql`coalesce(${a.error}->>'code', 'unknown')`),
    db
      .select({
        provider: sql<string>`${a.provider}`,
        model: sql<string>`coalesce(${a.model}, 'none')`,
        analyses: sql<number>`count(*)`.mapWith(Number),
        inputTokens: sql<number>`coalesce(sum(${a.inputTokens}), 0)`.mapWith(Number),
        outputTokens: sql<number>`coalesce(sum(${a.outputTokens}), 0)`.mapWith(Number),
        costUsd: sql<number>`coalesce(sum(${a.costUsd}), 0)`.mapWith(Number),
        cacheHits: sql<number>`count(*) filter (where ${a.cacheHit})`.mapWith(Number),
      })
      .from(a)
      .where(sql`${a.provider} is not null`)
      .groupBy(a.provider, sql`coalesce(${a.model}, 'none')`),
    db.execute(sql`
      select coalesce(e->>'provider', 'unknown') as provider, coalesce(e->>'code', 'unknown') as code, count(*) as n
      from ${a}, jsonb_array_elements(case when jsonb_typeof(${a.fetchState}->'provider_errors') = 'array' then ${a.fetchState}->'provider_errors' else '[]'::jsonb end) e
      group by 1, 2`),
    db
      .select({ outcome: webhookDeliveries.outcome, count: sql<number>`count(*)`.mapWith(Number) })
      .from(webhookDeliveries)
      .groupBy(webhookDeliveries.outcome),
    db
      .select({ outcome: processedEmails.outcome, count: sql<number>`count(*)`.mapWith(Number) })
      .from(processedEmails)
      .groupBy(processedEmails.outcome),
  ]);
  return {
    analyses: byOutcome,
    failures,
    usage,
    providerErrors: rowsOf<Record<string, unknown>>(providerErrors).map((r) => ({
      provider: String(r.provider),
      code: String(r.code),
      count: num(r.n),
    })),
    webhookDeliveries: deliveries,
    emails,
  };
}

/** Where a read of finished analyses stopped: completed_at as PostgreSQL's own text (microseconds), then id. */
export type TFinishedCursor = { completedAt: string; id: number };

/** An analysis that finished (completed or failed), with the durations the metrics histograms count. */
export type TFinishedAnalysis = {
  id: number;
  outcome: string;
  /** Trigger received (the row created) to finished. */
  endToEndSeconds: number;
  /** The worker's `timings` (`fetch_ms`, `analyze_ms`, ...) as seconds by step (`fetch`, `analyze`, ...). */
  stepSeconds: Record<string, number>;
  completedAt: Date;
  cursor: TFinishedCursor;
};

function stepSecondsOf(timings: Record<string, unknown> | null): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const [key, ms] of Object.entries(timings ?? {}))
    if (key.endsWith('_ms') && typeof ms === 'number') steps[key.slice(0, -3)] = ms / 1000;
  return steps;
}

/** Analyses finished after `after`, in the order of (completed_at, id), at most `limit`. */
export async function listFinishedAnalyses(db: TDb, after: TFinishedCursor, limit: number): Promise<TFinishedAnalysis[]> {
  const a = analyses;
  const rows = await db
    .select({
      id: a.id,
      status: a.status,
      createdAt: a.createdAt,
      completedAt: a.completedAt,
      completedAtText: sql<string>`${a.completedAt}::text`,
      timings: a.timings,
    })
    .from(a)
    .where(sql`(${a.completedAt}, ${a.id}) > (${after.completedAt}::timestamptz, ${after.id})`)
    .orderBy(a.completedAt, a.id)
    .limit(limit);
  // completed_at is never null here (the comparison leaves those rows out); flatMap tells TypeScript so.
  return rows.flatMap(({ completedAt, ...r }) =>
    completedAt
      ? [
          {
            id: r.id,
            outcome: r.status,
            endToEndSeconds: (completedAt.getTime() - r.createdAt.getTime()) / 1000,
            stepSeconds: stepSecondsOf(r.timings),
            completedAt,
            cursor: { completedAt: r.completedAtText, id: r.id },
          },
        ]
      : [],
  );
}
