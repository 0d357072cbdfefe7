import { registerFailure, markEnqueued, type TDb, type TRegisterFailureInput, type TRegisterFailureOutcome } from '@cia/db';
import { enqueueAnalyzePipeline, type TQueues } from '@cia/queue';
import type { TLogger } from '@cia/logger';

export type TIntakeDeps = { db: TDb; queues: Pick<TQueues, 'analyze'>; logger: TLogger; enqueueTimeoutMs?: number };

export type TAcceptOutcome = TRegisterFailureOutcome & { enqueued: boolean };

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

/**
 * The one path from any trigger (webhook, email, manual) to a queued analysis: record the
 * failure in the database first (the durable fact), then enqueue. When Redis cannot take the
 * job the analysis stays in the outbox (enqueued_at IS NULL) and the relay enqueues it later.
 */
export async function acceptFailure(deps: TIntakeDeps, input: TRegisterFailureInput, options: { delayMs?: number } = {}): Promise<TAcceptOutcome> {
  const outcome = await registerFailure(deps.db, input);
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
      enqueueAnalyzePipeline(
        deps.queues,
        { request_id: requestId, trigger: input.trigger, project_id: input.project.id, pipeline_id: input.pipeline.id },
        delayMs ? { delay: delayMs } : {},
      ),
      deps.enqueueTimeoutMs ?? 1500,
    );
  } catch (err) {
    deps.logger.warn('enqueue failed; analysis kept in the outbox', { request_id: requestId, err: (err as Error).message });
    return false;
  }
  await markEnqueued(deps.db, analysisId);
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
