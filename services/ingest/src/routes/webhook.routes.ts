import { Router, type RequestHandler } from 'express';
import { maskConfig, type TConfig } from '@cia/config';
import { AppError } from '../http/app-error';
import { requireApiToken, secretMatcher } from '../http/auth';
import { decodeRequestBody, readDeliveryBody } from '../webhooks/delivery-body';
import { createOffThreadDecoder } from '../webhooks/decode-off-thread';
import { handleDelivery, type TDeliveryDeps } from '../webhooks/handle-delivery';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
/** The test route is for a person checking one payload: no reason to take GitLab's biggest bodies. */
export const TEST_BODY_LIMIT_BYTES = 1024 * 1024;

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/**
 * X-Gitlab-Token, compared in constant time, before a byte of the body is read: an
 * unauthenticated sender costs neither the upload nor the parse.
 */
function requireWebhookToken(secret: string | undefined): RequestHandler {
  const matches = secret ? secretMatcher(secret) : undefined;
  return (req, _res, next) => {
    if (!matches || matches(req.get('x-gitlab-token') ?? '')) return next();
    next(new AppError('unauthorized', 'invalid X-Gitlab-Token'));
  };
}

const requireJson: RequestHandler = (req, _res, next) => {
  const contentType = req.get('content-type');
  if (contentType && !/json/i.test(contentType))
    return next(new AppError('unsupported_media_type', `expected application/json, got ${contentType}`));
  next();
};

export function webhookRoutes(config: TConfig, deps: TDeliveryDeps, webhookEnabled: boolean): Router {
  const router = Router();
  const limit = Math.round(config.WEBHOOK_BODY_LIMIT_MB * 1024 * 1024);
  const offThread = createOffThreadDecoder();
  // The test route takes GitLab's token, or without a webhook secret the API token (production
  // requires one), so it is never open to anyone in production.
  const testRouteGuard = config.GITLAB_WEBHOOK_SECRET
    ? requireWebhookToken(config.GITLAB_WEBHOOK_SECRET)
    : requireApiToken(config.API_TOKEN);

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
  router.post(
    '/webhooks/gitlab',
    requireWebhookToken(config.GITLAB_WEBHOOK_SECRET),
    requireJson,
    readDeliveryBody(limit),
    async (req, res) => {
      const decoded = await decodeRequestBody(req, offThread);
      const answer = await handleDelivery(deps, { headers: flatHeaders(req.headers), decoded });
      // A small answer to a POST, never cached: written as is, without res.json's ETag hashing.
      res.writeHead(answer.status, JSON_HEADERS).end(JSON.stringify(answer.body));
    },
  );
  router.post(
    '/webhooks/gitlab/test',
    testRouteGuard,
    requireJson,
    readDeliveryBody(Math.min(limit, TEST_BODY_LIMIT_BYTES)),
    async (req, res) => {
      const { event } = await decodeRequestBody(req, offThread, { audit: false });
      res.json({ valid: true, would_analyze: event.kind === 'failure', event });
    },
  );

  return router;
}
