import { eq, sql, type SQL } from 'drizzle-orm';
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

export type TFetchedJob = Omit<TAnalysisJobInsert, 'analysisId' | 'id' | 'createdAt' | 'findings'>;

/** One failed job as a row of the jsonb recordset {@link upsertJobsStatement} reads. */
export function jobRecord(analysisId: number, j: TFetchedJob) {
  return {
    analysis_id: analysisId,
    job_id: j.jobId,
    name: j.name,
    stage: j.stage,
    status: j.status,
    failure_reason: j.failureReason ?? null,
    allow_failure: j.allowFailure ?? false,
    web_url: j.webUrl ?? null,
    excerpt: j.excerpt ?? null,
    log_bytes: j.logBytes ?? null,
    log_truncated: j.logTruncated ?? false,
  };
}

/**
 * An upsert of failed jobs (replaced on retry) with their excerpts, to run as a data-modifying CTE.
 * All rows travel as one jsonb parameter, so the statement text never changes (it can be prepared).
 */
export function upsertJobsStatement(records: ReturnType<typeof jobRecord>[]): SQL {
  return sql`insert into analysis_jobs (analysis_id, job_id, name, stage, status, failure_reason, allow_failure, web_url, excerpt, log_bytes, log_truncated)
    select t.analysis_id, t.job_id, t.name, t.stage, t.status, t.failure_reason, t.allow_failure, t.web_url, t.excerpt, t.log_bytes, t.log_truncated
    from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as t(analysis_id bigint, job_id bigint, name text, stage text, status text,
      failure_reason text, allow_failure boolean, web_url text, excerpt jsonb, log_bytes bigint, log_truncated boolean)
    on conflict (analysis_id, job_id) do update set name = excluded.name, stage = excluded.stage, status = excluded.status,
      failure_reason = excluded.failure_reason, allow_failure = excluded.allow_failure, web_url = excluded.web_url,
      excerpt = excluded.excerpt, log_bytes = excluded.log_bytes, log_truncated = excluded.log_truncated`;
}

/**
 * What the fetch and excerpt steps produced, in ONE statement (when the analysis cannot complete
 * this time): the fetch steps merged into analyses.fetch_state, so a retry skips them, and the
 * failed jobs upserted. A data-modifying CTE runs whether or not the main statement reads it.
 */
export async function saveFetchedJobs(db: TDb, analysisId: number, steps: Record<string, unknown>, jobs: TFetchedJob[]): Promise<void> {
  await db.execute(sql`with j as (${upsertJobsStatement(jobs.map((j) => jobRecord(analysisId, j)))})
    update analyses set fetch_state = fetch_state || ${JSON.stringify(steps)}::jsonb, updated_at = now() where id = ${analysisId}`);
}
