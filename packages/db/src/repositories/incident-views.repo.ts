import { and, desc, eq, sql } from 'drizzle-orm';
import type { TIncidentOccurrenceView, TIncidentView, TJobVerdict } from '@cia/contracts';
import type { TDb } from '../client';
import { analyses, incidentOccurrences } from '../schema';
import type { TIncidentRow } from './incident-state';
import type { TOccurrenceRow } from './incidents.repo';

const pipelineAt = (pipelineId: number | null, sha: string | null, at: Date | null) =>
  pipelineId === null || at === null ? null : { pipeline_id: pipelineId, sha: sha ?? '', at: at.toISOString() };

/** An incident as the API returns it (ZIncidentView). */
export function toIncidentView(row: TIncidentRow): TIncidentView {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    signature: row.signature,
    project_id: row.projectId,
    job_name: row.jobName,
    failure_reason: row.failureReason,
    category: row.category,
    title: row.title,
    identity_lines: row.identityLines,
    status: row.status,
    first_seen_at: row.firstSeenAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
    occurrences: row.occurrences,
    failing_since: pipelineAt(row.failingSincePipelineId, row.failingSinceSha, row.failingSinceAt),
    fixed: pipelineAt(row.fixedPipelineId, row.fixedSha, row.fixedAt),
  };
}

/** An occurrence as the API returns it (ZIncidentOccurrenceView). */
export function toOccurrenceView(row: TOccurrenceRow): TIncidentOccurrenceView {
  return {
    id: row.id,
    incident_id: row.incidentId,
    analysis_id: row.analysisId,
    project_id: row.projectId,
    pipeline_id: row.pipelineId,
    job_id: row.jobId,
    job_name: row.jobName,
    ref: row.ref,
    sha: row.sha,
    merge_request_iid: row.mergeRequestIid,
    on_default_branch: row.onDefaultBranch,
    verdict: row.verdict,
    retry: row.retryJobId === null || row.retryStatus === null ? null : { job_id: row.retryJobId, status: row.retryStatus },
    created_at: row.createdAt.toISOString(),
  };
}

/** The newest occurrences of an incident first. */
export async function listIncidentOccurrences(db: TDb, incidentId: number, limit = 50): Promise<TOccurrenceRow[]> {
  return db
    .select()
    .from(incidentOccurrences)
    .where(eq(incidentOccurrences.incidentId, incidentId))
    .orderBy(desc(incidentOccurrences.createdAt), desc(incidentOccurrences.id))
    .limit(limit);
}

/** The failed jobs of one analysis with their verdicts, by job id. */
export async function listAnalysisOccurrences(db: TDb, analysisId: number): Promise<TOccurrenceRow[]> {
  return db.select().from(incidentOccurrences).where(eq(incidentOccurrences.analysisId, analysisId)).orderBy(incidentOccurrences.jobId);
}

/** The occurrence of a failed job (by GitLab's job id), e.g. to retry it. */
export async function findOccurrenceByJob(db: TDb, projectId: number, jobId: number): Promise<TOccurrenceRow | undefined> {
  const [row] = await db
    .select()
    .from(incidentOccurrences)
    .where(and(eq(incidentOccurrences.projectId, projectId), eq(incidentOccurrences.jobId, jobId)))
    .limit(1);
  return row;
}

/** The occurrence whose retry is this job: a Job Hook or a poll of the retried job finds it here. */
export async function findOccurrenceByRetryJob(db: TDb, projectId: number, retryJobId: number): Promise<TOccurrenceRow | undefined> {
  const [row] = await db
    .select()
    .from(incidentOccurrences)
    .where(and(eq(incidentOccurrences.retryJobId, retryJobId), eq(incidentOccurrences.projectId, projectId)))
    .limit(1);
  return row;
}

/** Records the retry asked for (pending) or its outcome; idempotent. */
export async function setOccurrenceRetry(
  db: TDb,
  occurrenceId: number,
  retry: { jobId: number; status: 'passed' | 'failed' | 'pending' },
): Promise<void> {
  await db
    .update(incidentOccurrences)
    .set({ retryJobId: retry.jobId, retryStatus: retry.status, updatedAt: new Date() })
    .where(eq(incidentOccurrences.id, occurrenceId));
}

/**
 * A verdict decided again (after a retry): stored on the occurrence and in its analysis's result
 * (`failed_jobs[].verdict` of that job), in one transaction, so the API and the note agree.
 */
export async function replaceJobVerdict(
  db: TDb,
  occurrence: Pick<TOccurrenceRow, 'id' | 'analysisId' | 'jobId'>,
  verdict: TJobVerdict,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(incidentOccurrences)
      .set({ verdict, verdictKind: verdict.kind, safeToMerge: verdict.safe_to_merge, updatedAt: new Date() })
      .where(eq(incidentOccurrences.id, occurrence.id));
    const jobs = sql`coalesce(${analyses.result} -> 'failed_jobs', '[]'::jsonb)`;
    await tx
      .update(analyses)
      .set({
        result: sql`jsonb_set(${analyses.result}, '{failed_jobs}', (
          select coalesce(jsonb_agg(case when (j ->> 'job_id')::bigint = ${occurrence.jobId} then j || jsonb_build_object('verdict', ${JSON.stringify(verdict)}::jsonb) else j end order by n), '[]'::jsonb)
          from jsonb_array_elements(${jobs}) with ordinality as t(j, n)))`,
        updatedAt: new Date(),
      })
      .where(and(eq(analyses.id, occurrence.analysisId), sql`${analyses.result} is not null`));
  });
}
