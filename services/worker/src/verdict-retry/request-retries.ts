import { isRetryProject, type TConfig } from '@cia/config';
import { listAnalysisOccurrences, type TAnalysisRow, type TDb } from '@cia/db';
import type { GitLabClient } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';
import { enqueueMany, type TQueuesFor } from '@cia/queue';

export type TRequestRetriesDeps = {
  db: TDb;
  logger: TLogger;
  config: Pick<TConfig, 'VERDICT_RETRY_FLAKY_PROJECTS'>;
  gitlab?: GitLabClient;
  queues: TQueuesFor<'verdict.retry'>;
};

/**
 * After an analysis completed: one `verdict.retry` job per failed job judged `likely_flaky` that
 * has no retry yet, in a project opted in (VERDICT_RETRY_FLAKY_PROJECTS; the job checks again with
 * the path GitLab gives). Its job id is per failed job, so a redelivered analysis asks nothing twice.
 * A failure here is logged: the analysis is stored and stays so.
 */
export async function requestFlakyRetries(deps: TRequestRetriesDeps, row: TAnalysisRow): Promise<number> {
  const projects = deps.config.VERDICT_RETRY_FLAKY_PROJECTS;
  if (!deps.gitlab || projects.length === 0) return 0;
  if (!isRetryProject(projects, { id: row.projectId, path: row.project.path }) && projects.every((p) => /^\d+$/.test(p))) return 0;
  try {
    const due = (await listAnalysisOccurrences(deps.db, row.id)).filter(
      (o) => o.verdictKind === 'likely_flaky' && o.retryStatus === null && o.retryJobId === null,
    );
    await enqueueMany(
      deps.queues,
      due.map((o) => ({ job: 'verdict.retry' as const, payload: { project_id: o.projectId, job_id: o.jobId } })),
    );
    return due.length;
  } catch (err) {
    deps.logger.warn('flaky retries could not be requested', { err: (err as Error).message });
    return 0;
  }
}
