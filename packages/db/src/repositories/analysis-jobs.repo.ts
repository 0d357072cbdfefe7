import { eq, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { analyses, analysisJobs } from '../schema';

export type TAnalysisJobInsert = typeof analysisJobs.$inferInsert;
export type TAnalysisJobRow = typeof analysisJobs.$inferSelect;

/** Stores (or replaces on retry) one failed job of an analysis with its masked excerpt. */
export async function upsertAnalysisJob(db: TDb, job: TAnalysisJobInsert): Promise<void> {
  const { analysisId: _a, jobId: _j, ...rest } = job;
  await db.insert(analysisJobs).values(job).onConflictDoUpdate({ target: [analysisJobs.analysisId, analysisJobs.jobId], set: rest });
}

export async function listAnalysisJobs(db: TDb, analysisId: number): Promise<TAnalysisJobRow[]> {
  return db.select().from(analysisJobs).where(eq(analysisJobs.analysisId, analysisId)).orderBy(analysisJobs.jobId);
}

/** Merges fetch steps' state into analyses.fetch_state, so a retried job skips them. */
export async function saveFetchSteps(db: TDb, analysisId: number, entries: Record<string, unknown>): Promise<void> {
  if (Object.keys(entries).length === 0) return;
  await db
    .update(analyses)
    .set({ fetchState: sql`${analyses.fetchState} || ${JSON.stringify(entries)}::jsonb`, updatedAt: new Date() })
    .where(eq(analyses.id, analysisId));
}

export async function saveFetchStep(db: TDb, analysisId: number, key: string, entry: unknown): Promise<void> {
  await saveFetchSteps(db, analysisId, { [key]: entry });
}
