import { isRetryProject } from '@cia/config';
import { claimOccurrenceRetry, findOccurrenceByJob, recordRetryRefused, setOccurrenceRetry } from '@cia/db';
import { isGitLabError, type GitLabClient } from '@cia/gitlab';
import { enqueue, type TJobHandler } from '@cia/queue';
import type { TRetryDeps } from './retry-deps';

/** Opted in by id or `*` at once; by path only as GitLab names the project (a trigger's path proves nothing). */
async function optedIn(gitlab: GitLabClient, projects: readonly string[], projectId: number): Promise<boolean> {
  if (isRetryProject(projects, { id: projectId })) return true;
  if (projects.length === 0) return false;
  try {
    const project = await gitlab.getProject(projectId);
    return isRetryProject(projects, { id: projectId, path: project.path_with_namespace });
  } catch {
    return false;
  }
}

/**
 * `verdict.retry`: retries a failed job judged `likely_flaky`, once (POST /projects/:id/jobs/:id/retry),
 * records the new job as a pending retry and schedules the first look at it (`verdict.retry-check`,
 * delayed). Any other verdict, a project not opted in or a retry already asked: nothing happens.
 * GitLab refusing (403 without api scope, 404) is recorded on the occurrence; it fails nothing.
 */
export function retryFlakyJob(deps: TRetryDeps): TJobHandler<'verdict.retry'> {
  return async (payload) => {
    const { project_id: projectId, job_id: jobId } = payload;
    const logger = deps.logger.child({ project_id: projectId, job_id: jobId });
    const occurrence = await findOccurrenceByJob(deps.db, projectId, jobId);
    if (!occurrence) return { skipped: 'no verdict for this job' };
    if (occurrence.verdictKind !== 'likely_flaky') return { skipped: `verdict is ${occurrence.verdictKind}, not likely_flaky` };
    if (!deps.gitlab) return { skipped: 'no GITLAB_API_TOKEN' };
    if (!(await optedIn(deps.gitlab, deps.config.VERDICT_RETRY_FLAKY_PROJECTS, projectId)))
      return { skipped: 'project not in VERDICT_RETRY_FLAKY_PROJECTS' };
    if (!(await claimOccurrenceRetry(deps.db, occurrence.id))) return { skipped: 'a retry was already asked for this job' };
    let retryJobId: number;
    try {
      retryJobId = (await deps.gitlab.retryJob(projectId, jobId)).id;
    } catch (err) {
      const refusal = { status: isGitLabError(err) ? err.status : null, message: (err as Error).message };
      await recordRetryRefused(deps.db, occurrence.id, refusal);
      logger.warn('GitLab refused the flaky retry', refusal);
      return { refused: refusal };
    }
    await setOccurrenceRetry(deps.db, occurrence.id, { jobId: retryJobId, status: 'pending' });
    await enqueue(deps.queues, {
      job: 'verdict.retry-check',
      payload: { project_id: projectId, job_id: jobId, retry_job_id: retryJobId, checks: 0 },
      options: { delay: deps.config.VERDICT_RETRY_POLL_SECONDS * 1000 },
    });
    logger.info('flaky job retried', { retry_job_id: retryJobId });
    return { retry_job_id: retryJobId };
  };
}
