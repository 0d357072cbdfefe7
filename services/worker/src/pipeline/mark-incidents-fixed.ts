import { baseJobName, type TPipelineFixedPayload } from '@cia/contracts';
import { hasOpenDefaultBranchIncidents, markIncidentsFixed, type TDb } from '@cia/db';
import { isGitLabError, type GitLabClient } from '@cia/gitlab';
import type { TLogger } from '@cia/logger';

/** GitLab's answers that will not change on a retry: nothing is fixed by a pipeline we cannot see. */
const PERMANENT = new Set(['not_found', 'forbidden', 'unauthorized']);

/**
 * A pipeline passed on the default branch (`pipeline.fixed`): the incidents failing there whose
 * job it passed are fixed by it, with its pipeline and commit. Which jobs passed, and on which
 * branch and commit, is GitLab's answer (one request), not the hook's claim. Returns the number
 * of incidents fixed; idempotent (a fixed incident is not fixed again).
 */
export async function markIncidentsFixedBy(
  deps: { db: TDb; gitlab?: GitLabClient; logger: TLogger },
  event: TPipelineFixedPayload,
): Promise<number> {
  const { db, gitlab } = deps;
  if (!gitlab || event.merge_request_iid || !event.ref || event.ref !== event.default_branch) return 0;
  if (!(await hasOpenDefaultBranchIncidents(db, event.project_id))) return 0;
  let passed;
  try {
    passed = await gitlab.listPipelineJobs(event.project_id, event.pipeline_id, { scope: ['success'] });
  } catch (err) {
    if (isGitLabError(err) && PERMANENT.has(err.code)) {
      deps.logger.warn('cannot read the passing pipeline: no incident fixed', { pipeline_id: event.pipeline_id, err: err.message });
      return 0;
    }
    throw err;
  }
  const onDefault = passed.filter((j) => j.pipeline?.ref === event.default_branch);
  const fixed = await markIncidentsFixed(db, {
    projectId: event.project_id,
    pipelineId: event.pipeline_id,
    sha: onDefault[0]?.pipeline?.sha ?? event.sha ?? null,
    passedJobNames: [...new Set(onDefault.map((j) => baseJobName(j.name)))],
  });
  if (fixed.length > 0) deps.logger.info('incidents fixed', { pipeline_id: event.pipeline_id, incidents: fixed.map((i) => i.id) });
  return fixed.length;
}
