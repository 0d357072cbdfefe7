import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route template, never the raw path, so ids in URLs do not explode label cardinality. */
function routeLabel(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  return req.baseUrl || 'unmatched';
}

/**
 * cia_http_requests_total and cia_http_request_duration_seconds: a middleware that times every
 * request this app answers. The route is read when the answer is sent, once routing matched it.
 */
export function createHttpMetrics(registry: Registry): RequestHandler {
  const registers = [registry];
  const requests = new Counter({
    name: 'cia_http_requests_total',
    help: 'HTTP requests answered by ingest',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'cia_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'],
    buckets: HTTP_DURATION_BUCKETS,
    registers,
  });
  return (req, res, next) => {
    const endTimer = duration.startTimer();
    res.on('finish', () => {
      const route = routeLabel(req);
      endTimer({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}
