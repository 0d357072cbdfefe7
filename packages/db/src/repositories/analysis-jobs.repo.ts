import { eq, sql } from 'drizzle-orm';
import type { TExcerptLine, TFailedJob, TMaskedLine } from '@cia/contracts';
import type { TDb } from '../client';
import { analyses, analysisJobs } from '../schema';

type TAnalysisJobInsert = typeof analysisJobs.$inferInsert;
type TAnalysisJobRow = typeof analysisJobs.$inferSelect;

/** A failed job of an analysis as it is stored: the job's facts, the excerpt the analysis saw, the log's size. */
export type TStoredJob = Pick<TFailedJob, 'id' | 'name' | 'stage' | 'status' | 'failure_reason' | 'allow_failure' | 'web_url'> & {
  excerpt: TExcerptLine[];
  log_bytes: number | null;
  log_truncated: boolean;
};

/** A failed job to store: its excerpt masked (the excerpt step's output), as the table promises. */
export type TAnalysisJob = Omit<TStoredJob, 'excerpt'> & { excerpt: TMaskedLine[] };

/** The analysis_jobs row of a job, and back: the one mapping of that table's shape. */
function toRow(analysisId: number, job: TAnalysisJob): TAnalysisJobInsert {
  return {
    analysisId,
    jobId: job.id,
    name: job.name,
    stage: job.stage,
    status: job.status,
    failureReason: job.failure_reason,
    allowFailure: job.allow_failure,
    webUrl: job.web_url,
    excerpt: job.excerpt,
    logBytes: job.log_bytes,
    logTruncated: job.log_truncated,
  };
}

function fromRow(row: TAnalysisJobRow): TStoredJob {
  return {
    id: row.jobId,
    name: row.name,
    stage: row.stage,
    status: row.status,
    failure_reason: row.failureReason,
    allow_failure: row.allowFailure,
    web_url: row.webUrl,
    excerpt: row.excerpt ?? [],
    log_bytes: row.logBytes,
    log_truncated: row.logTruncated,
  };
}

/** Stores (or replaces on retry) the failed jobs of an analysis with their masked excerpts. */
export async function upsertAnalysisJobs(db: TDb, analysisId: number, jobs: readonly TAnalysisJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await analysisJobsUpsert(db, analysisId, jobs);
}

/** The statement upsertAnalysisJobs runs, not yet run (at least one job): the one-statement completion embeds it. */
export function analysisJobsUpsert(db: TDb, analysisId: number, jobs: readonly TAnalysisJob[]) {
  return db
    .insert(analysisJobs)
    .values(jobs.map((job) => toRow(analysisId, job)))
    .onConflictDoUpdate({
      target: [analysisJobs.analysisId, analysisJobs.jobId],
      set: {
        name: sql`excluded.name`,
        stage: sql`excluded.stage`,
        status: sql`excluded.status`,
        failureReason: sql`excluded.failure_reason`,
        allowFailure: sql`excluded.allow_failure`,
        webUrl: sql`excluded.web_url`,
        excerpt: sql`excluded.excerpt`,
        logBytes: sql`excluded.log_bytes`,
        logTruncated: sql`excluded.log_truncated`,
      },
    });
}

export async function listAnalysisJobs(db: TDb, analysisId: number): Promise<TStoredJob[]> {
  const rows = await db.select().from(analysisJobs).where(eq(analysisJobs.analysisId, analysisId)).orderBy(analysisJobs.jobId);
  return rows.map(fromRow);
}

/** Merges fetch steps' state into analyses.fetch_state, so a retried job skips them. */
export async function saveFetchSteps(db: TDb, analysisId: number, entries: Record<string, unknown>): Promise<void> {
  if (Object.keys(entries).length === 0) return;
  await db
    .update(analyses)
    .set({ fetchState: mergedFetchState(entries), updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}

/** analyses.fetch_state with `entries` merged in (a retry skips the steps it holds). */
export function mergedFetchState(entries: Record<string, unknown>) {
  return sql`${analyses.fetchState} || ${JSON.stringify(entries)}::jsonb`;
}

/**
 * What the fetch and excerpt steps produced, when the analysis cannot complete this time: the
 * fetch steps (so a retry skips them) and the failed jobs, in one transaction.
 */
export async function saveFetchedJobs(
  db: TDb,
  analysisId: number,
  steps: Record<string, unknown>,
  jobs: readonly TAnalysisJob[],
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(analyses)
      .set({ fetchState: mergedFetchState(steps), updatedAt: new Date() })
      .where(eq(analyses.id, analysisId));
    await upsertAnalysisJobs(tx, analysisId, jobs);
  });
}
