import type { TJobHandler } from '@cia/queue';
import { analyzeFailedPipeline } from '../pipeline/run-analysis';
import type { TPipelineDeps } from '../pipeline/pipeline-deps';

/** `pipeline.analyze`: one failed pipeline analysed, stored and posted back (pipeline/run-analysis.ts). */
export function analyzePipelineJob(deps: TPipelineDeps): TJobHandler<'pipeline.analyze'> {
  return (payload, job) => {
    const logger = deps.logger.child({ request_id: payload.request_id, job_id: job.id, attempt: job.attemptsMade + 1 });
    return analyzeFailedPipeline({ ...deps, logger }, payload.request_id, { number: job.attemptsMade + 1, of: job.opts.attempts ?? 1 });
  };
}
