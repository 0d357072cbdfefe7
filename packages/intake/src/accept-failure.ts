import {
  createFirstAnalyses,
  findDeliveryByKey,
  recordDelivery,
  registerFailureSlow,
  type TDb,
  type TDeliveryRecord,
  type TFirstAnalysis,
  type TFirstFailure,
  type TRegisterFailureInput,
  type TRegisterFailureOutcome,
} from '@cia/db';
import { maskSecrets } from '@cia/log-intel';
import type { TLogger } from '@cia/logger';
import { enqueueAnalyzePipelines, type TAnalyzeJobRequest, type TQueues } from '@cia/queue';
import { createAdaptiveBatcher } from './adaptive-batcher';
import { createEnqueuedMarker, type TEnqueuedMarker } from './enqueued-marker';

export type TIntakeDeps = {
  db: TDb;
  queues: Pick<TQueues, 'analyze'>;
  logger: TLogger;
  enqueueTimeoutMs?: number;
};

type TShared = {
  /** Batches the outbox bookkeeping (enqueued_at) off the request path. */
  marker: TEnqueuedMarker;
  /** Group commit: concurrent first failures share one INSERT statement and one commit. */
  firstFailures: { submit(item: TFirstFailure): Promise<TFirstAnalysis | undefined> };
  /** Concurrent enqueues share one Redis round trip (addBulk). */
  enqueues: { submit(item: TAnalyzeJobRequest): Promise<void> };
};

/** One set per database handle and queue: shared by every request of the process. */
const perDb = new WeakMap<TDb, WeakMap<object, TShared>>();
function sharedFor(deps: TIntakeDeps): TShared {
  let byQueue = perDb.get(deps.db);
  if (!byQueue) perDb.set(deps.db, (byQueue = new WeakMap()));
  let shared = byQueue.get(deps.queues.analyze);
  if (!shared) {
    shared = {
      marker: createEnqueuedMarker(deps.db, deps.logger),
      firstFailures: createAdaptiveBatcher((items: TFirstFailure[]) => createFirstAnalyses(deps.db, items)),
      enqueues: createAdaptiveBatcher(async (items: TAnalyzeJobRequest[]) => {
        await enqueueAnalyzePipelines(deps.queues, items);
        return items.map(() => undefined);
      }),
    };
    byQueue.set(deps.queues.analyze, shared);
  }
  return shared;
}

export type TAcceptOutcome = TRegisterFailureOutcome & { enqueued: boolean; redelivery?: boolean };

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Log text a trigger carried (the failure email's job log tails) is masked before it is stored. */
function maskLogTails(input: TRegisterFailureInput): TRegisterFailureInput {
  if (!input.failedJobs.some((j) => j.log_tail)) return input;
  return { ...input, failedJobs: input.failedJobs.map((j) => (j.log_tail ? { ...j, log_tail: maskSecrets(j.log_tail) } : j)) };
}

/**
 * The one path from any trigger (webhook, email, manual) to a queued analysis: record the
 * failure in the database first (the durable fact), then enqueue. When Redis cannot take the
 * job the analysis stays in the outbox (enqueued_at IS NULL) and the relay enqueues it later.
 */
export async function acceptFailure(
  deps: TIntakeDeps,
  rawInput: TRegisterFailureInput,
  options: { delayMs?: number; delivery?: TDeliveryRecord } = {},
): Promise<TAcceptOutcome> {
  const input = maskLogTails(rawInput);
  const first = await sharedFor(deps).firstFailures.submit({ input, delivery: options.delivery });
  if (first) {
    const enqueued = await enqueueNow(deps, first.requestId, first.analysisId, input, options.delayMs);
    return { ...first, created: true, status: 'queued', enqueued };
  }
  if (options.delivery?.idempotencyKey) {
    // A redelivery answers with the analysis its first delivery got, whatever happened since.
    const seen = await findDeliveryByKey(deps.db, options.delivery.idempotencyKey);
    if (seen?.requestId) return { requestId: seen.requestId, analysisId: -1, created: false, status: 'queued', enqueued: false, redelivery: true };
  }
  const outcome = await registerFailureSlow(deps.db, input);
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
  const enqueued = await enqueueNow(deps, outcome.requestId, outcome.analysisId, input, options.delayMs);
  return { ...outcome, enqueued };
}

async function enqueueNow(deps: TIntakeDeps, requestId: string, analysisId: number, input: TRegisterFailureInput, delayMs?: number): Promise<boolean> {
  try {
    await withTimeout(
      sharedFor(deps).enqueues.submit({
        payload: { request_id: requestId, trigger: input.trigger, project_id: input.project.id, pipeline_id: input.pipeline.id },
        delay: delayMs,
      }),
      deps.enqueueTimeoutMs ?? 1500,
    );
  } catch (err) {
    deps.logger.warn('enqueue failed; analysis kept in the outbox', { request_id: requestId, err: (err as Error).message });
    return false;
  }
  // Bookkeeping only: if it is lost, the relay re-adds the job and the job id makes that a no-op.
  sharedFor(deps).marker.mark(analysisId);
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
