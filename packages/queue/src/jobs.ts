import { ZAnalyzePipelinePayload, type TAnalyzePipelinePayload } from '@cia/contracts';
import type { JobsOptions } from 'bullmq';
import { QUEUE_NAMES } from './queue-names';

/** Analyse one failed pipeline: fetch → excerpt → analyze → persist → post back. */
export const ANALYZE_PIPELINE_JOB = {
  name: 'pipeline.analyze',
  queue: QUEUE_NAMES.analyze,
  schema: ZAnalyzePipelinePayload,
  /** One job per analysis: the request id is the job id, so a second add is a no-op. */
  jobId: (payload: TAnalyzePipelinePayload) => payload.request_id,
  options: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
    removeOnFail: { age: 30 * 24 * 3600, count: 50_000 },
  } satisfies JobsOptions,
} as const;
