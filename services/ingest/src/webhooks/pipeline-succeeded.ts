import { isPostbackProject, type TConfig } from '@cia/config';
import { hasFailingNotes, hasOpenDefaultBranchIncidents, type TDb } from '@cia/db';
import { enqueue, type TQueuesFor } from '@cia/queue';
import type { TPipelineSucceeded } from './normalize-event';

export type TFixedUpdateDeps = { db: TDb; queues: TQueuesFor<'pipeline.fixed'>; config: TConfig };

/**
 * A `success` Pipeline Hook: queues the "fixed" update (`pipeline.fixed`, which the worker runs)
 * only when the project may have a note or Slack announcement still showing a failure, or, for a
 * default-branch pipeline, an incident failing there that it may fix. Green pipelines of every
 * other project cost at most two indexed queries (one per reason) and never take a slot of the
 * post-back rate limit. Returns whether a job was queued.
 */
export async function queueFixedUpdate(deps: TFixedUpdateDeps, event: TPipelineSucceeded): Promise<boolean> {
  if (!(await mayShowFailure(deps, event)) && !(await mayFixIncidents(deps, event))) return false;
  const { project_path: _path, ...payload } = event;
  await enqueue(deps.queues, { job: 'pipeline.fixed', payload });
  return true;
}

/** A note or Slack announcement of this project may still show a failure. */
async function mayShowFailure(deps: TFixedUpdateDeps, event: TPipelineSucceeded): Promise<boolean> {
  const { config } = deps;
  const notes = config.POSTBACK_ENABLED && Boolean(config.GITLAB_API_TOKEN);
  if (!notes && !config.SLACK_WEBHOOK_URL) return false;
  // The path is the payload's claim: enough to skip a project, never to post (the worker asks GitLab).
  if (!isPostbackProject(config.POSTBACK_PROJECTS, { id: event.project_id, path: event.project_path })) return false;
  return hasFailingNotes(deps.db, event.project_id);
}

/** A default-branch pipeline of a project whose default branch fails with an open incident (the worker checks which jobs passed). */
async function mayFixIncidents(deps: TFixedUpdateDeps, event: TPipelineSucceeded): Promise<boolean> {
  if (event.merge_request_iid !== null || event.ref === null || event.ref !== event.default_branch) return false;
  return hasOpenDefaultBranchIncidents(deps.db, event.project_id);
}
