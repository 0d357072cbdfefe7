import { findDeliveryByKey, recordDelivery, type TDb } from '@cia/db';
import { acceptFailure, type TIntakeDeps } from '@cia/intake';
import { AppError } from '../http/app-error';
import type { TDecodedDelivery } from './decode-delivery';
import type { TPipelineSucceeded } from './normalize-event';

/** A delivery whose token the route checked and whose body was decoded (decode-delivery.ts). */
export type TDelivery = {
  headers: Record<string, string>;
  decoded: TDecodedDelivery;
};

export type TDeliveryAnswer = { status: 200 | 202; body: Record<string, unknown> };

export type TDeliveryDeps = TIntakeDeps & {
  db: TDb;
  jobHookDelayMs: number;
  /** Post-back: a passing pipeline updates a note that still shows a failure. Best effort. */
  onPipelineSucceeded?: (event: TPipelineSucceeded) => Promise<unknown>;
};

const KEPT_HEADERS = /^(x-gitlab-|idempotency-key$|user-agent$|content-type$|content-length$)/;

function auditHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (KEPT_HEADERS.test(k) && k !== 'x-gitlab-token') out[k] = v;
  return out;
}

/**
 * The driver's reason, not drizzle's message: that one carries the statement and its parameters,
 * here the whole delivery body (up to 25 MB on one log line).
 */
function driverCause(err: unknown): string {
  const cause = (err as { cause?: { message?: unknown; code?: unknown } }).cause;
  if (cause && typeof cause.message === 'string') return cause.message || String(cause.code ?? 'unknown error');
  return (err as Error).message;
}

/**
 * POST /webhooks/gitlab, once verified and decoded: dedup, persist, enqueue. Every 2xx means the
 * failure is in the database (and normally in Redis); nothing here waits on GitLab or an AI.
 */
export async function handleDelivery(deps: TDeliveryDeps, delivery: TDelivery): Promise<TDeliveryAnswer> {
  try {
    return await handleValidDelivery(deps, delivery);
  } catch (err) {
    if (err instanceof AppError) throw err;
    // The database could not take the delivery: a 503 makes GitLab retry it later instead of a 2xx we could lose.
    deps.logger.error('could not store webhook delivery', { err: driverCause(err) });
    throw new AppError('service_unavailable', 'the delivery could not be stored right now; retry later');
  }
}

async function handleValidDelivery(deps: TDeliveryDeps, delivery: TDelivery): Promise<TDeliveryAnswer> {
  const h = delivery.headers;
  const { event } = delivery.decoded;
  const idempotencyKey = h['idempotency-key'] ?? h['x-gitlab-event-uuid'] ?? null;
  const base = {
    idempotencyKey,
    eventType: h['x-gitlab-event'] ?? 'unknown',
    objectKind: event.objectKind ?? null,
    headers: auditHeaders(h),
    body: delivery.decoded.auditBody,
  };

  if (event.kind === 'ignored') {
    const recorded = await recordDelivery(deps.db, {
      ...base,
      projectId: event.projectId ?? null,
      pipelineId: event.pipelineId ?? null,
      outcome: 'ignored',
      reason: event.reason,
    });
    if (!recorded && idempotencyKey) {
      const seen = await findDeliveryByKey(deps.db, idempotencyKey);
      if (seen?.requestId)
        return { status: 200, body: { status: 'duplicate', request_id: seen.requestId, reason: 'delivery already received' } };
    }
    if (recorded && event.succeeded && deps.onPipelineSucceeded) {
      await deps.onPipelineSucceeded(event.succeeded).catch((err: unknown) => {
        deps.logger.warn('could not queue the "fixed" note update', {
          err: (err as Error).message,
          pipeline_id: event.succeeded?.pipeline_id,
        });
      });
    }
    return { status: 200, body: { status: 'ignored', reason: event.reason } };
  }

  const outcome = await acceptFailure(
    deps,
    { trigger: 'webhook', project: event.project, pipeline: event.pipeline, failedJobs: event.failedJobs },
    {
      delayMs: event.fromJobHook ? deps.jobHookDelayMs : 0,
      delivery: { ...base, projectId: event.project.id, pipelineId: event.pipeline.id },
    },
  );
  if (outcome.created) return { status: 202, body: { status: 'accepted', request_id: outcome.requestId } };
  const reason = outcome.redelivery ? 'delivery already received' : 'pipeline already has an analysis';
  return { status: 200, body: { status: 'duplicate', request_id: outcome.requestId, reason } };
}
