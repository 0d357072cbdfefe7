import { isPostbackProject, type TConfig } from '@cia/config';
import { hasFailingNotes, type TDb } from '@cia/db';
import { enqueue, type TQueuesFor } from '@cia/queue';
import type { TPipelineSucceeded } from './normalize-event';

export type TFixedUpdateDeps = { db: TDb; queues: TQueuesFor<'pipeline.fixed'>; config: TConfig };

/**
 * A `success` Pipeline Hook: queues the "fixed" update (`pipeline.fixed`, which the worker's
 * post-back runs) only when the project may have a note or Slack announcement still showing a
 * failure. Green pipelines of every other project cost at most one indexed query and never take a
 * slot of the post-back rate limit. Returns whether a job was queued.
 */
export async function queueFixedUpdate(deps: TFixedUpdateDeps, event: TPipelineSucceeded): Promise<boolean> {
  const { config } = deps;
  const notes = config.POSTBACK_ENABLED && Boolean(config.GITLAB_API_TOKEN);
  if (!notes && !config.SLACK_WEBHOOK_URL) return false;
  // The path is the payload's claim: enough to skip a project, never to post (the worker asks GitLab).
  if (!isPostbackProject(config.POSTBACK_PROJECTS, { id: event.project_id, path: event.project_path })) return false;
  if (!(await hasFailingNotes(deps.db, event.project_id))) return false;
  const { project_path: _path, ...payload } = event;
  await enqueue(deps.queues, { job: 'pipeline.fixed', payload });
  return true;
}
