import express, { Router } from 'express';
import { maskConfig, type TConfig } from '@cia/config';
import { AppError } from '../http/app-error';
import { handleDelivery, type TDeliveryDeps } from '../webhooks/handle-delivery';
import { normalizeEvent } from '../webhooks/normalize-event';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Takes the body as text (kept verbatim for the audit trail) whatever the content type says. */
function rawBody(limitBytes: number) {
  return express.text({ type: () => true, limit: limitBytes });
}

function requireJson(contentType: string | undefined): void {
  if (contentType && !/json/i.test(contentType)) {
    throw new AppError('unsupported_media_type', `expected application/json, got ${contentType}`);
  }
}

export function webhookRoutes(config: TConfig, deps: TDeliveryDeps, webhookEnabled: boolean): Router {
  const router = Router();
  const limit = Math.round(config.WEBHOOK_BODY_LIMIT_MB * 1024 * 1024);

  // Answers even when the webhook trigger is off (it says so).
  router.get('/webhooks/gitlab/info', (_req, res) => {
    const masked = maskConfig(config);
    res.json({
      enabled: webhookEnabled,
      trigger_mode: config.TRIGGER_MODE,
      url_path: '/webhooks/gitlab',
      events: ['Pipeline Hook', 'Job Hook'],
      secret_configured: Boolean(config.GITLAB_WEBHOOK_SECRET),
      body_limit_mb: config.WEBHOOK_BODY_LIMIT_MB,
      job_hook_delay_seconds: config.JOB_HOOK_DELAY_SECONDS,
      idempotency_headers: ['Idempotency-Key', 'X-Gitlab-Event-UUID'],
      gitlab_base_url: masked.GITLAB_BASE_URL,
    });
  });

  router.use('/webhooks/gitlab', (_req, _res, next) => {
    if (!webhookEnabled) return next(new AppError('not_found', `webhook trigger is off (TRIGGER_MODE=${config.TRIGGER_MODE})`));
    next();
  });

  // The delivery route first: it is the hot path.
  router.post('/webhooks/gitlab', rawBody(limit), async (req, res) => {
    const headers = flatHeaders(req.headers);
    requireJson(headers['content-type']);
    const answer = await handleDelivery(deps, { headers, rawBody: typeof req.body === 'string' ? req.body : '' });
    // A small answer to a POST, never cached: written as is, without res.json's ETag hashing.
    res.writeHead(answer.status, JSON_HEADERS).end(JSON.stringify(answer.body));
  });
  router.post('/webhooks/gitlab/test', rawBody(limit), (req, res) => {
    const headers = flatHeaders(req.headers);
    requireJson(headers['content-type']);
    let body: unknown;
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch (err) {
      throw new AppError('bad_request', `malformed JSON: ${(err as Error).message}`, 'body');
    }
    const event = normalizeEvent(headers['x-gitlab-event'], body);
    res.json({ valid: true, would_analyze: event.kind === 'failure', event });
  });

  return router;
}
