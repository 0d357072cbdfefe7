import {
  findDeliveryByKey,
  markEnqueued,
  recordDelivery,
  registerFailure,
  type TDb,
  type TDeliveryRecord,
  type TFailureReport,
  type TRegisterFailureInput,
  type TRegisterFailureOutcome,
} from '@cia/db';
import { maskerFor, type TMasker } from '@cia/log-intel';
import type { TLogger } from '@cia/logger';
import { enqueue, type TQueues } from '@cia/queue';
import { createFirstFailureWriter, type TFirstFailureWriter } from './first-failures';
import { withTimeout } from './with-timeout';

export type TIntakeDeps = {
  db: TDb;
  queues: Pick<TQueues, 'analyze'>;
  logger: TLogger;
  enqueueTimeoutMs?: number;
  /** The service's own secret values (secretValuesOf(config)), masked in what the trigger carried besides the patterns. */
  secretValues?: readonly string[];
};

/** One writer per database handle and queue: shared by every request of the process. */
const perDb = new WeakMap<TDb, WeakMap<object, TFirstFailureWriter>>();
function firstFailuresOf(deps: TIntakeDeps): TFirstFailureWriter {
  let byQueue = perDb.get(deps.db);
  if (!byQueue) perDb.set(deps.db, (byQueue = new WeakMap()));
  let writer = byQueue.get(deps.queues.analyze);
  if (!writer) byQueue.set(deps.queues.analyze, (writer = createFirstFailureWriter(deps)));
  return writer;
}

export type TAcceptOutcome = TRegisterFailureOutcome & { enqueued: boolean; redelivery?: boolean };

/**
 * The intake masking point: free text a trigger carried, stored and shown later (the commit
 * title on the API and the results page, the merge request title, the failure email's job log
 * tails), is masked before it is written. Names and ids are kept as sent.
 */
function maskTriggerText(input: TFailureReport, mask: TMasker): TRegisterFailureInput {
  const { commit_title, merge_request, ...p } = input.pipeline;
  const orNull = (text: string | null) => (text === null ? null : mask(text));
  const pipeline = {
    ...p,
    ...(commit_title !== undefined ? { commit_title: orNull(commit_title) } : {}),
    ...(merge_request !== undefined ? { merge_request: merge_request && { ...merge_request, title: orNull(merge_request.title) } } : {}),
  };
  const failedJobs = input.failedJobs.map(({ log_tail, ...job }) => (log_tail === undefined ? job : { ...job, log_tail: mask(log_tail) }));
  return { ...input, pipeline, failedJobs };
}

/**
 * The one path from any trigger (webhook, email, manual) to a queued analysis: record the
 * failure in the database first (the durable fact), then enqueue. When Redis cannot take the job
 * the analysis is in the outbox (enqueued_at IS NULL) before the answer and the relay enqueues it
 * later. A first failure is written as enqueued and put back in the outbox only when the enqueue
 * fails (see createFirstFailureWriter): a crash between its commit and its enqueue leaves a row that
 * says enqueued without a job, which the relay's lost-job sweep re-adds.
 */
export async function acceptFailure(
  deps: TIntakeDeps,
  rawInput: TFailureReport,
  options: { delayMs?: number; delivery?: TDeliveryRecord } = {},
): Promise<TAcceptOutcome> {
  const input = maskTriggerText(rawInput, maskerFor(deps.secretValues));
  const first = await firstFailuresOf(deps).submit({ input, delivery: options.delivery, delayMs: options.delayMs });
  if (first) return { requestId: first.requestId, analysisId: first.analysisId, created: true, status: 'queued', enqueued: first.enqueued };
  if (options.delivery?.idempotencyKey) {
    // A redelivery answers with the analysis its first delivery got, whatever happened since.
    const seen = await findDeliveryByKey(deps.db, options.delivery.idempotencyKey);
    if (seen?.requestId)
      return { requestId: seen.requestId, analysisId: -1, created: false, status: 'queued', enqueued: false, redelivery: true };
  }
  const outcome = await registerFailure(deps.db, input);
  if (options.delivery) {
    await recordDelivery(deps.db, {
      ...options.delivery,
      outcome: outcome.created ? 'accepted' : 'duplicate',
      requestId: outcome.requestId,
      reason: outcome.created ? null : 'pipeline already has an analysis',
    });
  }
  if (!outcome.created) {
    if (outcome.status === 'queued' && !options.delayMs) await promoteIfDelayed(deps, outcome.requestId);
    return { ...outcome, enqueued: false };
  }
  // The rare path (a pipeline seen before) keeps the plain outbox order: NULL until Redis has the job.
  const enqueued = await enqueueNow(deps, outcome.requestId, input, options.delayMs);
  if (enqueued) {
    await markEnqueued(deps.db, outcome.analysisId).catch((err: unknown) => {
      // Bookkeeping only: the relay re-adds the job and the job id makes that a no-op.
      deps.logger.warn('could not mark the analysis enqueued', { request_id: outcome.requestId, err: (err as Error).message });
    });
  }
  return { ...outcome, enqueued };
}

async function enqueueNow(deps: TIntakeDeps, requestId: string, input: TRegisterFailureInput, delayMs?: number): Promise<boolean> {
  try {
    await withTimeout(
      enqueue(deps.queues, {
        job: 'pipeline.analyze',
        payload: { request_id: requestId, trigger: input.trigger, project_id: input.project.id, pipeline_id: input.pipeline.id },
        options: { delay: delayMs },
      }),
      deps.enqueueTimeoutMs ?? 1500,
    );
  } catch (err) {
    deps.logger.warn('enqueue failed; analysis left to the outbox relay', { request_id: requestId, err: (err as Error).message });
    return false;
  }
  return true;
}

/** A Job Hook queues with a short delay so the Pipeline Hook can join; once it arrives, start now. */
async function promoteIfDelayed(deps: TIntakeDeps, requestId: string): Promise<void> {
  try {
    const job = await withTimeout(deps.queues.analyze.getJob(requestId), deps.enqueueTimeoutMs ?? 1500);
    if (job && (await job.isDelayed())) await job.promote();
  } catch {
    // Best effort: the delayed job still runs when its delay ends.
  }
}
