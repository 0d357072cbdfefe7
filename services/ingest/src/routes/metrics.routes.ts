import { Router } from 'express';
import { requireApiToken } from '../http/auth';
import type { TIngestMetrics } from '../metrics/ingest-metrics';

/** Prometheus scrape endpoint, behind the API token when one is set. */
export function metricsRoutes(metrics: TIngestMetrics, apiToken: string | undefined): Router {
  const router = Router();
  router.get('/metrics', requireApiToken(apiToken), async (_req, res) => {
    const text = await metrics.render();
    res.setHeader('Content-Type', metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(text);
  });
  return router;
}
