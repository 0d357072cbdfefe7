import { UnrecoverableError, type Job } from 'bullmq';
import { failAnalysis, findAnalysisByRequestId } from '@cia/db';
import { ANALYZE_PIPELINE_JOB } from '@cia/queue';
import { runAnalysis, type TRunDeps } from '../analysis/run-analysis';

export type TProcessorDeps = TRunDeps;

/** Thin: validate, skip finished work, run, and record the final failure once retries are spent. */
export function createAnalyzePipelineProcessor(deps: TProcessorDeps) {
  return async (job: Job): Promise<{ request_id: string; skipped?: string }> => {
    const parsed = ANALYZE_PIPELINE_JOB.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const requestId = parsed.data.request_id;
    const logger = deps.logger.child({ request_id: requestId, job_id: job.id, attempt: job.attemptsMade + 1 });
    const row = await findAnalysisByRequestId(deps.db, requestId);
    if (!row) throw new UnrecoverableError(`analysis ${requestId} does not exist`);
    if (row.status === 'completed' || row.status === 'failed') return { request_id: requestId, skipped: `already ${row.status}` };
    try {
      const outcome = await runAnalysis({ ...deps, logger }, row);
      logger.info('analysis completed', outcome);
      return { request_id: requestId };
    } catch (err) {
      const e = err as Error;
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn(last ? 'analysis failed for good' : 'analysis attempt failed; will retry', { err: e.message });
      if (last) await failAnalysis(deps.db, row.id, { code: e.name === 'UnrecoverableError' ? 'unrecoverable' : 'failed', message: e.message });
      throw err;
    }
  };
}
