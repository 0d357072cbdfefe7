import { UnrecoverableError, type Job } from 'bullmq';
import { ZodError } from 'zod';
import { claimAnalysis, failAnalysis, type TAnalysisRow } from '@cia/db';
import { ANALYZE_PIPELINE_JOB } from '@cia/queue';
import { runAnalysis, type TRunDeps } from '../analysis/run-analysis';
import { maskerOf } from '../analysis/secret-masker';

export type TProcessorDeps = TRunDeps & {
  /** Runs once the analysis is stored (post-back enqueue); idempotent, as a retried job calls it again. */
  onCompleted?: (row: TAnalysisRow) => Promise<void>;
};

/** Thin: validate, skip finished work, run, and record the final failure once retries are spent. */
export function createAnalyzePipelineProcessor(deps: TProcessorDeps) {
  return async (job: Job): Promise<{ request_id: string; skipped?: string }> => {
    const parsed = ANALYZE_PIPELINE_JOB.schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const requestId = parsed.data.request_id;
    const logger = deps.logger.child({ request_id: requestId, job_id: job.id, attempt: job.attemptsMade + 1 });
    // Marks it running in the same statement that reads it.
    const claim = await claimAnalysis(deps.db, requestId);
    if (!claim) throw new UnrecoverableError(`analysis ${requestId} does not exist`);
    const { row } = claim;
    if (!claim.claimed) {
      if (row.status === 'completed') await deps.onCompleted?.(row);
      return { request_id: requestId, skipped: `already ${row.status}` };
    }
    try {
      const outcome = await runAnalysis({ ...deps, logger }, row);
      logger.info('analysis completed', outcome);
    } catch (caught) {
      // Input that can never validate will not get better with retries.
      const err = caught instanceof ZodError ? new UnrecoverableError(`invalid analysis input: ${caught.issues[0]?.message ?? 'unknown'}`) : caught;
      const e = err as Error & { code?: unknown };
      // The egress masking point of errors: the message goes to the log, to analyses.error and,
      // with the stack, to BullMQ's failedReason (Bull Board); a GitLab, database or provider
      // error may quote a secret.
      const mask = maskerOf(deps.config);
      e.message = mask(String(e.message));
      if (e.stack) e.stack = mask(e.stack);
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      logger.warn(last ? 'analysis failed for good' : 'analysis attempt failed; will retry', { err: e.message });
      if (last) {
        const code = typeof e.code === 'string' ? e.code : err instanceof UnrecoverableError ? 'unrecoverable' : 'failed';
        await failAnalysis(deps.db, row.id, { code, message: e.message });
      }
      throw err;
    }
    // Outside the try: a failed enqueue must not fail a stored analysis; the retried job finds it completed and enqueues again.
    await deps.onCompleted?.(row);
    return { request_id: requestId };
  };
}
