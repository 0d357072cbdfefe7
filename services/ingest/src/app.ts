import express, { type Express } from 'express';
import { enabledTriggers, secretValuesOf } from '@cia/config';
import { AppError, errorHandler } from './http/app-error';
import { requireApiToken } from './http/auth';
import { securityHeaders } from './http/security-headers';
import type { TIngestDeps } from './ingest-deps';
import { createIngestMetrics } from './metrics/ingest-metrics';
import { adminRoutes } from './routes/admin.routes';
import { analysisRoutes } from './routes/analysis.routes';
import { devRoutes } from './routes/dev.routes';
import { docsRoutes } from './routes/docs.routes';
import { healthRoutes } from './routes/health.routes';
import { incidentPagesRoutes } from './routes/incident-pages.routes';
import { incidentsRoutes } from './routes/incidents.routes';
import { metricsRoutes } from './routes/metrics.routes';
import { resultsRoutes } from './routes/results.routes';
import { webhookRoutes } from './routes/webhook.routes';
import type { TPipelineSucceeded } from './webhooks/normalize-event';
import { queueFixedUpdate } from './webhooks/pipeline-succeeded';

/** The ingest HTTP app; never listens by itself so tests and the launcher compose it. */
export function createApp(deps: TIngestDeps): Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  const metrics = createIngestMetrics(deps);
  app.use(metrics.httpMiddleware);
  app.use(securityHeaders());

  const delivery = {
    db: deps.db,
    queues: deps.queues,
    logger: deps.logger,
    secretValues: secretValuesOf(config),
    jobHookDelayMs: config.JOB_HOOK_DELAY_SECONDS * 1000,
    onPipelineSucceeded: (event: TPipelineSucceeded) => queueFixedUpdate({ db: deps.db, queues: deps.queues, config }, event),
  };
  // First: the webhook is the one hot route, so it does not walk the other routers' layers.
  app.use(webhookRoutes(config, delivery, enabledTriggers(config).webhook));
  app.use(healthRoutes(deps));
  app.use(devRoutes(deps, delivery));
  const guard = requireApiToken(config.API_TOKEN);
  app.use('/analysis', guard);
  app.use(analysisRoutes(deps));
  app.use('/incidents', guard);
  app.use(incidentsRoutes(deps));
  app.use(resultsRoutes(deps));
  app.use(incidentPagesRoutes(deps));
  app.use(metricsRoutes(metrics, config.API_TOKEN));
  app.use(adminRoutes(deps.queues, { apiToken: config.API_TOKEN, publicUrl: config.PUBLIC_URL, redisDown: deps.health.redisDown }));
  app.use(docsRoutes());

  app.use((req, _res, next) => next(new AppError('not_found', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(deps.logger));
  return app;
}
