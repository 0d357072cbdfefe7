import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { Counter, type Registry } from 'prom-client';
import type { THistogramSeries } from '@cia/db';
import { PrecomputedHistogram } from './precomputed-histogram';

const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export type THttpMetrics = {
  /** Records method, route, status and duration of every HTTP request the app answers. */
  middleware: RequestHandler;
  /** Copies the totals into the registry's metrics; call before rendering them. */
  publish(): void;
};

type TTotals = { method: string; route: string; status: string; count: number; sum: number; perBucket: number[] };

const START = Symbol('cia.http.start');
type TTimedResponse = Response & { [START]?: number };

/** The route template, never the raw path, so ids in URLs do not explode label cardinality. */
function routeLabel(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return `${req.baseUrl}${route}`;
  return req.baseUrl || 'unmatched';
}

/**
 * cia_http_requests_total and cia_http_request_duration_seconds, counted in plain numbers per
 * request and handed to prom-client only at scrape time. prom-client's own inc/observe validate
 * and hash the label object on every call, which cost ingest about a tenth of its CPU time per
 * accepted webhook at full load.
 */
export function createHttpMetrics(registry: Registry): THttpMetrics {
  const registers = [registry];
  const requests = new Counter({ name: 'cia_http_requests_total', help: 'HTTP requests answered by ingest', labelNames: ['method', 'route', 'status'], registers });
  const duration = new PrecomputedHistogram({
    name: 'cia_http_request_duration_seconds',
    help: 'Time to answer an HTTP request',
    labelNames: ['method', 'route'],
    buckets: HTTP_DURATION_BUCKETS,
    registry,
  });
  const totals = new Map<string, TTotals>();

  // One shared listener (no closure per request); the start time rides on the response.
  function onFinish(this: TTimedResponse): void {
    const req = this.req;
    const seconds = (performance.now() - (this[START] ?? 0)) / 1000;
    const route = routeLabel(req);
    const key = `${req.method} ${this.statusCode} ${route}`;
    let t = totals.get(key);
    if (!t) {
      t = { method: req.method, route, status: String(this.statusCode), count: 0, sum: 0, perBucket: HTTP_DURATION_BUCKETS.map(() => 0) };
      totals.set(key, t);
    }
    t.count++;
    t.sum += seconds;
    const i = HTTP_DURATION_BUCKETS.findIndex((le) => seconds <= le);
    if (i >= 0) t.perBucket[i] = (t.perBucket[i] ?? 0) + 1;
  }

  const middleware: RequestHandler = (_req: Request, res: TTimedResponse, next: NextFunction) => {
    res[START] = performance.now();
    res.on('finish', onFinish);
    next();
  };

  function publish(): void {
    requests.reset();
    const byRoute = new Map<string, THistogramSeries>();
    for (const t of totals.values()) {
      requests.inc({ method: t.method, route: t.route, status: t.status }, t.count);
      const key = `${t.method} ${t.route}`;
      let s = byRoute.get(key);
      if (!s) byRoute.set(key, (s = { labels: { method: t.method, route: t.route }, buckets: HTTP_DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 }));
      s.count += t.count;
      s.sum += t.sum;
      // Prometheus buckets are cumulative: a request counts in its bucket and every larger one.
      let cumulative = 0;
      for (let i = 0; i < HTTP_DURATION_BUCKETS.length; i++) {
        cumulative += t.perBucket[i] ?? 0;
        s.buckets[i] = (s.buckets[i] ?? 0) + cumulative;
      }
    }
    duration.setSeries([...byRoute.values()]);
  }

  return { middleware, publish };
}
