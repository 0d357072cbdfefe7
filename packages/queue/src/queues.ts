import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { TAnalyzePipelinePayload } from '@cia/contracts';
import { ANALYZE_PIPELINE_JOB } from './analyze-pipeline.job';
import { QUEUE_NAMES } from './queue-names';

export type TQueues = {
  analyze: Queue<TAnalyzePipelinePayload>;
  postback: Queue;
  all(): Queue[];
  close(): Promise<void>;
};

export function createQueues(connection: IORedis, prefix: string): TQueues {
  const analyze = new Queue<TAnalyzePipelinePayload>(QUEUE_NAMES.analyze, { connection, prefix });
  const postback = new Queue(QUEUE_NAMES.postback, { connection, prefix });
  const all = () => [analyze, postback] as Queue[];
  return {
    analyze,
    postback,
    all,
    close: async () => {
      await Promise.all(all().map((q) => q.close()));
    },
  };
}

/** Validates the payload, then adds it with its deterministic id and the job's defaults. */
export async function enqueueAnalyzePipeline(
  queues: Pick<TQueues, 'analyze'>,
  payload: TAnalyzePipelinePayload,
  options: { delay?: number } = {},
): Promise<void> {
  const data = ANALYZE_PIPELINE_JOB.schema.parse(payload);
  await queues.analyze.add(ANALYZE_PIPELINE_JOB.name, data, {
    ...ANALYZE_PIPELINE_JOB.options,
    ...options,
    jobId: ANALYZE_PIPELINE_JOB.jobId(data),
  });
}

export type TAnalyzeJobRequest = { payload: TAnalyzePipelinePayload; delay?: number };

/**
 * Adds many analyze jobs in one Redis round trip (BullMQ addBulk); same ids and defaults as
 * enqueueAnalyzePipeline, so a job already queued is not added twice.
 */
export async function enqueueAnalyzePipelines(queues: Pick<TQueues, 'analyze'>, requests: TAnalyzeJobRequest[]): Promise<void> {
  if (requests.length === 0) return;
  await queues.analyze.addBulk(
    requests.map(({ payload, delay }) => {
      const data = ANALYZE_PIPELINE_JOB.schema.parse(payload);
      return { name: ANALYZE_PIPELINE_JOB.name, data, opts: { ...ANALYZE_PIPELINE_JOB.options, ...(delay ? { delay } : {}), jobId: ANALYZE_PIPELINE_JOB.jobId(data) } };
    }),
  );
}
