import { UnrecoverableError } from 'bullmq';
import { ZodError } from 'zod';
import { secretValuesOf } from '@cia/config';
import { failAnalysis, type TAnalysisRow } from '@cia/db';
import { maskerFor } from '@cia/log-intel';
import type { TPipelineDeps } from './pipeline-deps';

/** Which attempt of the job this is, of how many it may make. */
export type TAttempt = { number: number; of: number };

/**
 * A failed attempt at an analysis: the error masked, logged, and on the last attempt stored as the
 * analysis's failure. Returns the error the job fails with.
 */
export async function recordFailedAttempt(
  deps: Pick<TPipelineDeps, 'db' | 'logger' | 'config'>,
  row: TAnalysisRow,
  caught: unknown,
  attempt: TAttempt,
): Promise<unknown> {
  // Input that can never validate will not get better with retries.
  const err =
    caught instanceof ZodError ? new UnrecoverableError(`invalid analysis input: ${caught.issues[0]?.message ?? 'unknown'}`) : caught;
  const e = err as Error & { code?: unknown };
  // The egress masking point of errors: the message goes to the log, to analyses.error and, with
  // the stack, to BullMQ's failedReason (Bull Board); a GitLab, database or provider error may
  // quote a secret.
  const mask = maskerFor(secretValuesOf(deps.config));
  e.message = mask(String(e.message));
  if (e.stack) e.stack = mask(e.stack);
  const last = err instanceof UnrecoverableError || attempt.number >= attempt.of;
  deps.logger.warn(last ? 'analysis failed for good' : 'analysis attempt failed; will retry', { err: e.message });
  if (last) {
    const code = typeof e.code === 'string' ? e.code : err instanceof UnrecoverableError ? 'unrecoverable' : 'failed';
    await failAnalysis(deps.db, row.id, { code, message: e.message });
  }
  return err;
}
