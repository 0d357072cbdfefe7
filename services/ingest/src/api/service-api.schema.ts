import { z } from 'zod';

/** Shapes of the webhook and health answers, for the OpenAPI document. */

export const ZWebhookAccepted = z.object({ status: z.literal('accepted'), request_id: z.string() });
export const ZWebhookSeen = z.object({
  status: z.enum(['duplicate', 'ignored']),
  request_id: z.string().optional().describe('the analysis this delivery belongs to (duplicates)'),
  reason: z.string(),
});
export const ZWebhookTestAnswer = z.object({
  valid: z.boolean(),
  would_analyze: z.boolean(),
  event: z.record(z.string(), z.unknown()).describe('the normalized event'),
});
export const ZWebhookInfo = z.object({
  enabled: z.boolean(),
  trigger_mode: z.enum(['webhook', 'email', 'both']),
  url_path: z.string(),
  events: z.array(z.string()),
  secret_configured: z.boolean(),
  body_limit_mb: z.number(),
  job_hook_delay_seconds: z.number(),
  idempotency_headers: z.array(z.string()),
  gitlab_base_url: z.string().nullable().optional(),
});

export const ZHealth = z.object({ status: z.literal('ok'), service: z.string(), uptime_s: z.number().int() });
export const ZHealthComponent = z.object({
  status: z.enum(['ok', 'down', 'disabled']),
  required: z.boolean().describe('a required component that is down makes the answer 503'),
  detail: z.unknown().optional(),
});
export const ZHealthDetailed = z.object({
  status: z.enum(['ok', 'degraded']),
  components: z.record(z.string(), ZHealthComponent).describe('database, redis, queues, workers, imap, ai'),
});
