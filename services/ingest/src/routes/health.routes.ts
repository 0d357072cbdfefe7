import { Router } from 'express';
import type { TIngestDeps } from '../ingest-deps';

/** /health answers without touching dependencies; /health/detailed checks each of them. */
export function healthRoutes(deps: TIngestDeps): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'ingest', uptime_s: Math.round(process.uptime()) });
  });
  router.get('/health/detailed', async (_req, res) => {
    const checks = await deps.health.check();
    const ok = Object.values(checks.components).every((c) => c.status === 'ok' || !c.required);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', ...checks });
  });
  return router;
}
