import type { TPostbackChannel } from '@cia/contracts';
import type { TAnalysisRow } from '@cia/db';
import { enqueue, type TEnqueueOptions, type TQueuesFor } from '@cia/queue';
import { pickChannels, type TPostbackSettings } from './postback.settings';

/** After an analysis completed: one job per enabled channel; nothing at all when post-back is off. */
export async function enqueuePostbackJobs(
  queues: TQueuesFor<'analysis.post'>,
  settings: TPostbackSettings,
  row: Pick<TAnalysisRow, 'requestId' | 'project'>,
  options: TEnqueueOptions = {},
): Promise<TPostbackChannel[]> {
  const channels = pickChannels(settings, row.project);
  for (const channel of channels) await enqueue(queues, { job: 'analysis.post', payload: { request_id: row.requestId, channel }, options });
  return channels;
}
