import { hasFailingNotes, type TAnalysisRow, type TDb } from '@cia/db';
import { enqueuePipelineFixed, enqueuePostAnalysis, type TPipelineFixedPayload, type TPostbackChannel } from '@cia/queue';
import type { JobsOptions, Queue } from 'bullmq';
import { isProjectAllowed, pickChannels, type TPostbackSettings } from './postback.settings';

type TPostbackQueue = { postback: Queue };

/** After an analysis completed: one job per enabled channel; nothing at all when post-back is off. */
export async function enqueuePostbackJobs(
  queues: TPostbackQueue,
  settings: TPostbackSettings,
  row: Pick<TAnalysisRow, 'requestId' | 'project'>,
  options: JobsOptions = {},
): Promise<TPostbackChannel[]> {
  const channels = pickChannels(settings, row.project);
  for (const channel of channels) await enqueuePostAnalysis(queues, { request_id: row.requestId, channel }, options);
  return channels;
}

/**
 * For the webhook path when a `success` Pipeline Hook arrives: queues the "fixed" update only when
 * the project may have a note (or Slack announcement) showing a failure, so green pipelines cost one indexed query and
 * never take a slot of the post-back rate limit. Returns whether a job was queued.
 */
export async function notifyPipelineSucceeded(
  deps: { db: TDb; queues: TPostbackQueue; settings: TPostbackSettings },
  event: TPipelineFixedPayload & { project_path?: string | null },
  options: JobsOptions = {},
): Promise<boolean> {
  const { settings } = deps;
  const notes = settings.enabled && settings.gitlabConfigured;
  if (!notes && !settings.slackWebhookUrl) return false;
  if (!isProjectAllowed(settings, { id: event.project_id, path: event.project_path })) return false;
  if (!(await hasFailingNotes(deps.db, event.project_id))) return false;
  const { project_path: _path, ...payload } = event;
  await enqueuePipelineFixed(deps.queues, payload, options);
  return true;
}
