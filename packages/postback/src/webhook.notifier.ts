import { postJson } from './http-post';
import { maskBody } from './mask-outgoing';
import type { TNoteInput } from './render-note';
import { SIGNATURE_HEADER, signBody } from './signature';

export const WEBHOOK_EVENT = 'analysis.completed';

/** The documented body of the generic webhook; `sent_at` is signed too, so receivers can refuse replays. */
export function buildWebhookPayload(input: TNoteInput, meta: { deliveryId: string; sentAt: Date }): Record<string, unknown> {
  const { result } = input;
  const verdicts = new Map(result.failed_jobs.map((j) => [j.job_id, j.verdict]));
  return {
    event: WEBHOOK_EVENT,
    delivery_id: meta.deliveryId,
    sent_at: meta.sentAt.toISOString(),
    request_id: input.requestId,
    results_url: input.resultsUrl ?? null,
    project: input.project,
    pipeline: input.pipeline,
    failed_jobs: input.jobs.map((j) => ({
      job_id: j.id,
      name: j.name,
      stage: j.stage,
      web_url: j.web_url ?? null,
      failure_reason: j.failure_reason ?? null,
      // Whose failure it is (ZJobVerdict, as GET /analysis returns it); null for analyses stored before verdicts.
      verdict: verdicts.get(j.id) ?? null,
    })),
    result: {
      summary: result.summary,
      root_cause: result.root_cause,
      category: result.category,
      severity: result.severity,
      confidence: result.confidence,
      fingerprint: result.fingerprint,
      flaky_suspected: result.flaky_suspected,
      solutions: result.solutions.slice(0, 5),
    },
  };
}

export async function sendWebhookNotification(
  url: string,
  input: TNoteInput,
  options: { secretKey: string; deliveryId: string; maskValues: readonly string[]; timeoutMs: number; now?: Date },
): Promise<void> {
  const body = maskBody(
    buildWebhookPayload(input, { deliveryId: options.deliveryId, sentAt: options.now ?? new Date() }),
    options.maskValues,
  );
  await postJson(
    'webhook',
    url,
    body,
    {
      [SIGNATURE_HEADER]: signBody(options.secretKey, body),
      'X-CI-Analyst-Event': WEBHOOK_EVENT,
      'X-CI-Analyst-Delivery': options.deliveryId,
    },
    options.timeoutMs,
  );
}
