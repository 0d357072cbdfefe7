import type { JobsOptions, Queue } from 'bullmq';
import { z } from 'zod';
import { QUEUE_NAMES } from './queue-names';

/** Where one finished analysis is posted; each channel is its own job so one failing does not repeat the others. */
export const POSTBACK_CHANNELS = ['gitlab', 'slack', 'webhook'] as const;
export type TPostbackChannel = (typeof POSTBACK_CHANNELS)[number];

/** Payload of `analysis.post`. Fields are only ever added, as optional, so queued jobs survive a deploy. */
export const ZPostAnalysisPayload = z.object({
  request_id: z.string().min(1),
  channel: z.enum(POSTBACK_CHANNELS),
});
export type TPostAnalysisPayload = z.infer<typeof ZPostAnalysisPayload>;

/** Payload of `pipeline.fixed`: a pipeline that passed, whose MR note may say "fixed" now. */
export const ZPipelineFixedPayload = z.object({
  project_id: z.number().int(),
  pipeline_id: z.number().int(),
  ref: z.string().nullish(),
  sha: z.string().nullish(),
  merge_request_iid: z.number().int().nullish(),
  pipeline_url: z.string().nullish(),
});
export type TPipelineFixedPayload = z.infer<typeof ZPipelineFixedPayload>;

const POSTBACK_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 30 * 24 * 3600, count: 50_000 },
} satisfies JobsOptions;

/** Post one analysis to one channel (GitLab note or commit comment, Slack, signed webhook). */
export const POST_ANALYSIS_JOB = {
  name: 'analysis.post',
  queue: QUEUE_NAMES.postback,
  schema: ZPostAnalysisPayload,
  /** One post per analysis and channel: a second add is a no-op ("never spam"). */
  jobId: (payload: TPostAnalysisPayload) => `post-${payload.channel}-${payload.request_id}`,
  options: POSTBACK_OPTIONS,
} as const;

/** Turn the note of a merge request into "fixed" once one of its pipelines passes. */
export const PIPELINE_FIXED_JOB = {
  name: 'pipeline.fixed',
  queue: QUEUE_NAMES.postback,
  schema: ZPipelineFixedPayload,
  jobId: (payload: TPipelineFixedPayload) => `fixed-${payload.project_id}-${payload.pipeline_id}`,
  options: POSTBACK_OPTIONS,
} as const;

type TPostbackQueue = { postback: Queue };

/** Validates, then adds with the deterministic id; `options` lets tests shorten the backoff. */
export async function enqueuePostAnalysis(queues: TPostbackQueue, payload: TPostAnalysisPayload, options: JobsOptions = {}): Promise<void> {
  const data = POST_ANALYSIS_JOB.schema.parse(payload);
  await queues.postback.add(POST_ANALYSIS_JOB.name, data, { ...POST_ANALYSIS_JOB.options, ...options, jobId: POST_ANALYSIS_JOB.jobId(data) });
}

/** Call when a pipeline succeeded for a project with a posted note (see `@cia/postback`'s `notifyPipelineSucceeded`). */
export async function enqueuePipelineFixed(queues: TPostbackQueue, payload: TPipelineFixedPayload, options: JobsOptions = {}): Promise<void> {
  const data = PIPELINE_FIXED_JOB.schema.parse(payload);
  await queues.postback.add(PIPELINE_FIXED_JOB.name, data, { ...PIPELINE_FIXED_JOB.options, ...options, jobId: PIPELINE_FIXED_JOB.jobId(data) });
}
