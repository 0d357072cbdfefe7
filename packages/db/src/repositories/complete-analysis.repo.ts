import { eq, sql, type SQL } from 'drizzle-orm';
import type { TDb } from '../client';
import { rowsOf } from '../migrate';
import { analyses } from '../schema';
import { completedValues, type TAnalysisCompletion } from './analyses.repo';
import { analysisJobsUpsert, mergedFetchState, type TAnalysisJob } from './analysis-jobs.repo';
import { INSERTED, occurrenceRow, occurrenceUpsert, sightingOf, type TIncidentSighting, type TOccurrenceInput } from './occurrence-upsert';

/** A job's occurrence whose incident exists already: its id, or null for a failure without one. */
export type TKnownOccurrence = { input: TOccurrenceInput; incidentId: number | null };

/**
 * The worker's last write when every incident it names exists already (the common case: most
 * failures are seen again): the failed jobs, their occurrences and the completed analysis in ONE
 * statement, atomic by itself. Each part is the statement the transactional path runs
 * (completeAnalysisWithJobs with insertOccurrence), here as data-modifying WITH queries: with the
 * incidents' lookup before it, two round trips instead of six (begin, the jobs, the incident, the
 * occurrence, the analysis, commit), each of which costs the worker and PostgreSQL CPU. Returns
 * the sightings for applySightings.
 */
export async function completeAnalysisAtOnce(
  db: TDb,
  analysisId: number,
  write: {
    done: TAnalysisCompletion;
    steps: Record<string, unknown>;
    jobs: readonly TAnalysisJob[];
    occurrences: readonly TKnownOccurrence[];
  },
  at: Date = new Date(),
): Promise<TIncidentSighting[]> {
  // Each part as getSQL(): a builder embedded as such is put in parentheses, which WITH does not take.
  const parts: SQL[] = [
    sql`completed as (${db
      .update(analyses)
      .set({ ...completedValues(write.done), fetchState: mergedFetchState(write.steps) })
      .where(eq(analyses.id, analysisId))
      .getSQL()})`,
  ];
  if (write.jobs.length > 0) parts.push(sql`stored_jobs as (${analysisJobsUpsert(db, analysisId, write.jobs).getSQL()})`);
  if (write.occurrences.length === 0) {
    await db.execute(sql`with ${sql.join(parts, sql`, `)} select 1`);
    return [];
  }
  const rows = write.occurrences.map((o) => occurrenceRow(o.input, o.incidentId));
  const stored = sql`stored as (${occurrenceUpsert(db, rows, at).getSQL()} returning job_id, ${INSERTED} as inserted)`;
  const result = await db.execute(sql`with ${sql.join([...parts, stored], sql`, `)} select job_id, inserted from stored`);
  const inserted = new Map(rowsOf<{ job_id: number | string; inserted: boolean }>(result).map((r) => [Number(r.job_id), r.inserted]));
  return write.occurrences.flatMap(({ input, incidentId }) => {
    const { sighting } = sightingOf(input, incidentId, inserted.get(input.jobId) ?? false, at);
    return sighting ? [sighting] : [];
  });
}
