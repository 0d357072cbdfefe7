import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { readAnalysisMetrics, type TDb } from '@cia/db';
import type { TLogger } from '@cia/logger';
import type { TQueues } from '@cia/queue';
import { createAnalysisDurations } from './analysis-durations';
import { createHttpMetrics } from './http-metrics';

const SOURCE_TIMEOUT_MS = 3000;
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

export type TIngestMetrics = {
  registry: Registry;
  /** Records method, route and status of every HTTP request this app answers. */
  httpMiddleware: RequestHandler;
  /** Reads the database and the queues, then renders the exposition text. */
  render(): Promise<string>;
  contentType: string;
};

export type TIngestMetricsDeps = { db: TDb; queues: TQueues; logger: TLogger };

/**
 * One prom-client Registry per app (tests build many apps in one process). Work done by the
 * worker and mail-watcher processes is read from PostgreSQL and Redis at scrape time: the counters
 * are the totals, the same in every ingest replica whoever did the work; the duration histograms
 * observe the analyses finished since this process started.
 */
export function createIngestMetrics(deps: TIngestMetricsDeps): TIngestMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'cia_ingest_' });

  const httpMiddleware = createHttpMetrics(registry);
  const durations = createAnalysisDurations(registry, deps.db);

  // The metrics of the work the other processes did, read from PostgreSQL and Redis at scrape time.
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers });
  const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers });
  const webhooks = counter(
    'cia_webhook_deliveries_total',
    'GitLab webhook deliveries stored, by outcome (accepted, duplicate, ignored); rejected ones are in cia_http_requests_total',
    ['outcome'],
  );
  const emails = counter('cia_emails_processed_total', 'Emails the mail-watcher looked at, by outcome', ['outcome']);
  const finished = counter('cia_analyses_total', 'Finished analyses by outcome (completed, failed) and failure category', [
    'outcome',
    'category',
  ]);
  const inProgress = gauge('cia_analyses_in_progress', 'Analyses queued or running now', ['status']);
  const failures = counter('cia_analysis_failures_total', 'Analyses that failed, by error code', ['code']);
  const tokens = counter('cia_ai_tokens_total', 'AI tokens used, by provider, model and direction', ['provider', 'model', 'direction']);
  const cost = counter('cia_ai_cost_usd_total', 'Estimated AI cost in USD, by provider and model', ['provider', 'model']);
  const byProvider = counter('cia_ai_analyses_total', 'Completed analyses by provider and model (offline = rules)', ['provider', 'model']);
  const cacheHits = counter('cia_analysis_cache_hits_total', 'Analyses answered from the fingerprint cache (no tokens spent)', [
    'provider',
  ]);
  const providerErrors = counter('cia_ai_provider_errors_total', 'Failed AI provider calls, by provider and error code', [
    'provider',
    'code',
  ]);
  const queueJobs = gauge('cia_queue_jobs', 'Jobs in each BullMQ queue by state (queue depth)', ['queue', 'state']);
  const sourceUp = gauge('cia_metrics_source_up', '1 when the source of these metrics answered this scrape', ['source']);

  async function readDatabase(): Promise<void> {
    const [m] = await Promise.all([readAnalysisMetrics(deps.db), durations.readNew()]);
    for (const metric of [webhooks, emails, finished, inProgress, failures, tokens, cost, byProvider, cacheHits, providerErrors])
      metric.reset();
    for (const w of m.webhookDeliveries) webhooks.inc({ outcome: w.outcome }, w.count);
    for (const e of m.emails) emails.inc({ outcome: e.outcome }, e.count);
    for (const status of ['queued', 'running']) inProgress.set({ status }, 0);
    for (const a of m.analyses) {
      if (a.status === 'completed' || a.status === 'failed') finished.inc({ outcome: a.status, category: a.category }, a.count);
      else inProgress.inc({ status: a.status }, a.count);
    }
    for (const f of m.failures) failures.inc({ code: f.code }, f.count);
    for (const u of m.usage) {
      const labels = { provider: u.provider, model: u.model };
      tokens.inc({ ...labels, direction: 'input' }, u.inputTokens);
      tokens.inc({ ...labels, direction: 'output' }, u.outputTokens);
      cost.inc(labels, u.costUsd);
      byProvider.inc(labels, u.analyses);
      cacheHits.inc({ provider: u.provider }, u.cacheHits);
    }
    for (const e of m.providerErrors) providerErrors.inc({ provider: e.provider, code: e.code }, e.count);
  }

  async function readQueues(): Promise<void> {
    const counts = await Promise.all(deps.queues.all().map(async (q) => [q.name, await q.getJobCounts(...QUEUE_STATES)] as const));
    queueJobs.reset();
    for (const [queue, byState] of counts) for (const state of QUEUE_STATES) queueJobs.set({ queue, state }, byState[state] ?? 0);
  }

  return {
    registry,
    httpMiddleware,
    contentType: registry.contentType,
    render: async () => {
      await Promise.all([
        readSource('database', readDatabase, sourceUp, deps.logger),
        readSource('redis', readQueues, sourceUp, deps.logger),
      ]);
      return registry.metrics();
    },
  };
}

async function readSource(source: string, read: () => Promise<void>, sourceUp: Gauge, logger: TLogger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // A scrape must answer even when Redis or PostgreSQL hangs; the gauge tells which one did.
    await Promise.race([
      read(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${SOURCE_TIMEOUT_MS} ms`)), SOURCE_TIMEOUT_MS);
      }),
    ]);
    sourceUp.set({ source }, 1);
  } catch (err) {
    logger.warn('metrics source did not answer', { source, err });
    sourceUp.set({ source }, 0);
  } finally {
    clearTimeout(timer);
  }
}
