import { eq, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { analyses, analysisJobs } from '../schema';

export type TAnalysisJobInsert = typeof analysisJobs.$inferInsert;
export type TAnalysisJobRow = typeof analysisJobs.$inferSelect;
/** A failed job as the fetch and excerpt steps produced it. */
export type TFetchedJob = Omit<TAnalysisJobInsert, 'analysisId' | 'id' | 'createdAt' | 'findings'>;

/** Stores (or replaces on retry) one failed job of an analysis with its masked excerpt. */
export async function upsertAnalysisJob(db: TDb, job: TAnalysisJobInsert): Promise<void> {
  const { analysisId: _a, jobId: _j, ...rest } = job;
  await db.insert(analysisJobs).values(job).onConflictDoUpdate({ target: [analysisJobs.analysisId, analysisJobs.jobId], set: rest });
}

/** Stores (or replaces on retry) the failed jobs of an analysis with their masked excerpts. */
export async function upsertAnalysisJobs(db: TDb, analysisId: number, jobs: TFetchedJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await db
    .insert(analysisJobs)
    .values(jobs.map((job) => ({ ...job, analysisId })))
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

export async function listAnalysisJobs(db: TDb, analysisId: number): Promise<TAnalysisJobRow[]> {
  return db.select().from(analysisJobs).where(eq(analysisJobs.analysisId, analysisId)).orderBy(analysisJobs.jobId);
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
export async function saveFetchedJobs(db: TDb, analysisId: number, steps: Record<string, unknown>, jobs: TFetchedJob[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(analyses).set({ fetchState: mergedFetchState(steps), updatedAt: new Date() }).where(eq(analyses.id, analysisId));
    await upsertAnalysisJobs(tx, analysisId, jobs);
  });
}
