import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ZAnalysisView, ZJobHook, ZPipelineHook } from '@cia/contracts';
import { ZAnalysisFilterQuery, ZAnalysisListQuery, ZAnalysisPage, ZAnalysisSummary } from '../api/analysis-api.schema';
import { ZCustomWebhook } from '../routes/dev.routes';
import { registerIncidentPaths } from './incident-paths';
import { html, json, registerShared, type TShared } from './openapi-shared';
import { ZHealth, ZHealthDetailed, ZWebhookAccepted, ZWebhookInfo, ZWebhookSeen, ZWebhookTestAnswer } from '../api/service-api.schema';

function registerAnalysisPaths(r: OpenAPIRegistry, { apiAuth, error, errors, requestId }: TShared): void {
  const view = ZAnalysisView.meta({ id: 'Analysis' });
  const page = ZAnalysisPage.meta({ id: 'AnalysisPage' });
  const summary = ZAnalysisSummary.meta({ id: 'AnalysisSummary' });
  r.registerPath({
    method: 'get',
    path: '/analysis',
    tags: ['analysis'],
    summary: 'List analyses, newest first',
    description: 'Keyset pagination: pass `next_cursor` as `cursor` until it is null. List items carry an abbreviated `result`.',
    security: apiAuth,
    request: { query: ZAnalysisListQuery },
    responses: { 200: json(page, 'One page of analyses'), ...errors },
  });
  r.registerPath({
    method: 'get',
    path: '/analysis/stats/summary',
    tags: ['analysis'],
    summary: 'Counts, success rate, processing time percentiles, tokens, cost and cache hits',
    security: apiAuth,
    request: { query: ZAnalysisFilterQuery },
    responses: { 200: json(summary, 'Aggregates over the analyses that match the filters'), ...errors },
  });
  r.registerPath({
    method: 'get',
    path: '/analysis/{request_id}',
    tags: ['analysis'],
    summary: 'One analysis with its result',
    security: apiAuth,
    request: { params: requestId },
    responses: { 200: json(view, 'The analysis'), 401: errors[401], 404: json(error, 'No analysis has this request_id') },
  });
}

function registerWebhookPaths(r: OpenAPIRegistry, { apiAuth, gitlabToken, error, errors }: TShared): void {
  const pipelineHook = ZPipelineHook.meta({ id: 'GitlabPipelineHook' });
  const jobHook = ZJobHook.meta({ id: 'GitlabJobHook' });
  const webhookHeaders = z.object({
    'X-Gitlab-Event': z.enum(['Pipeline Hook', 'Job Hook']),
    'Idempotency-Key': z.string().optional().describe('deduplicates redeliveries (X-Gitlab-Event-UUID works too)'),
    'X-Gitlab-Event-UUID': z.string().optional(),
  });
  const hookBody = { required: true, content: { 'application/json': { schema: z.union([pipelineHook, jobHook]) } } };
  r.registerPath({
    method: 'post',
    path: '/webhooks/gitlab',
    tags: ['webhooks'],
    summary: 'GitLab Pipeline Hook / Job Hook receiver',
    description:
      'Answers fast: the analysis runs in a worker. A failure is accepted once per pipeline; redeliveries answer its request_id.',
    security: [{ [gitlabToken.name]: [] }, {}],
    request: { headers: webhookHeaders, body: hookBody },
    responses: {
      202: json(ZWebhookAccepted, 'A failure that will be analysed'),
      200: json(ZWebhookSeen, 'A redelivery or a failure already accepted (duplicate), or an event that needs no analysis (ignored)'),
      400: errors[400],
      401: json(error, 'Wrong X-Gitlab-Token'),
      404: json(error, 'The webhook trigger is off (TRIGGER_MODE=email)'),
      413: json(error, 'Body larger than WEBHOOK_BODY_LIMIT_MB'),
      415: json(error, 'Not JSON'),
    },
  });
  r.registerPath({
    method: 'post',
    path: '/webhooks/gitlab/test',
    tags: ['webhooks'],
    summary: 'Validate a payload without enqueuing it',
    description: 'Needs X-Gitlab-Token when GITLAB_WEBHOOK_SECRET is set, else the API token; bodies up to 1 MB.',
    security: [{ [gitlabToken.name]: [] }, ...apiAuth],
    request: { headers: webhookHeaders.pick({ 'X-Gitlab-Event': true }), body: hookBody },
    responses: {
      200: json(ZWebhookTestAnswer, 'The payload is valid; what would happen'),
      400: errors[400],
      401: json(error, 'Wrong X-Gitlab-Token (or API token when no webhook secret is set)'),
      404: json(error, 'The webhook trigger is off'),
      413: json(error, 'Body larger than 1 MB'),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/webhooks/gitlab/info',
    tags: ['webhooks'],
    summary: 'Webhook configuration to copy into GitLab (no secrets)',
    responses: { 200: json(ZWebhookInfo, 'The configuration') },
  });
}

function registerDevelopmentPaths(r: OpenAPIRegistry, { error, errors }: TShared): void {
  const devOnly = 'Development helper; 404 when ENVIRONMENT=production.';
  const devAccepted = ZWebhookAccepted.extend({ pipeline_id: z.number().int() });
  r.registerPath({
    method: 'post',
    path: '/test/webhook/custom',
    tags: ['development'],
    summary: 'Send a made-up failed pipeline through the real intake path',
    description: devOnly,
    request: { body: { content: { 'application/json': { schema: ZCustomWebhook } } } },
    responses: {
      202: json(devAccepted.extend({ project_id: z.number().int() }), 'Accepted like a webhook'),
      200: json(ZWebhookSeen, 'Duplicate or ignored'),
      400: errors[400],
    },
  });
  r.registerPath({
    method: 'get',
    path: '/test/scenarios',
    tags: ['development'],
    summary: 'Built-in failure scenarios (build, test, deploy, dependency, timeout)',
    description: devOnly,
    responses: {
      200: json(
        z.object({
          scenarios: z.array(z.object({ name: z.string(), description: z.string(), category: z.string(), trigger: z.string() })),
        }),
        'The scenarios',
      ),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/test/scenarios/{name}',
    tags: ['development'],
    summary: 'Start an analysis of one built-in scenario',
    description: devOnly,
    request: { params: z.object({ name: z.string() }) },
    responses: { 202: json(devAccepted.extend({ scenario: z.string() }), 'Accepted'), 404: json(error, 'No such scenario') },
  });
  const mockList = (key: string) =>
    json(z.object({ source: z.string(), [key]: z.array(z.record(z.string(), z.unknown())) }), `Mock ${key}`);
  r.registerPath({
    method: 'get',
    path: '/test/mock/projects',
    tags: ['development'],
    summary: 'Mock GitLab projects',
    description: devOnly,
    responses: { 200: mockList('projects') },
  });
  r.registerPath({
    method: 'get',
    path: '/test/mock/users',
    tags: ['development'],
    summary: 'Mock GitLab users',
    description: devOnly,
    responses: { 200: mockList('users') },
  });
  r.registerPath({
    method: 'post',
    path: '/test/mock/reload',
    tags: ['development'],
    summary: 'Reload mock-data.json from DATA_DIR',
    description: devOnly,
    responses: {
      200: json(z.object({ reloaded: z.boolean(), source: z.string(), projects: z.number().int(), users: z.number().int() }), 'Reloaded'),
      400: errors[400],
    },
  });
}

function registerOperationsPaths(r: OpenAPIRegistry, { apiAuth, browserAuth, error, errors, requestId }: TShared): void {
  r.registerPath({
    method: 'get',
    path: '/health',
    tags: ['operations'],
    summary: 'Liveness (touches no dependency)',
    responses: { 200: json(ZHealth, 'Alive') },
  });
  r.registerPath({
    method: 'get',
    path: '/health/detailed',
    tags: ['operations'],
    summary: 'PostgreSQL, Redis, queue counts, worker heartbeats, IMAP watcher, AI providers',
    responses: {
      200: json(ZHealthDetailed, 'Every required component answers'),
      503: json(ZHealthDetailed, 'A required component is down'),
    },
  });
  r.registerPath({
    method: 'get',
    path: '/metrics',
    tags: ['operations'],
    summary: 'Prometheus metrics',
    security: apiAuth,
    responses: {
      200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
      401: errors[401],
    },
  });
  r.registerPath({
    method: 'get',
    path: '/admin/queues',
    tags: ['operations'],
    summary: 'Bull Board for every queue',
    security: browserAuth,
    responses: { 200: html('Bull Board'), 401: errors[401] },
  });

  r.registerPath({
    method: 'get',
    path: '/',
    tags: ['results page'],
    summary: 'Recent analyses for people',
    security: browserAuth,
    request: { query: ZAnalysisListQuery },
    responses: { 200: html('Results page'), 401: errors[401] },
  });
  r.registerPath({
    method: 'get',
    path: '/ui/analyses/{request_id}',
    tags: ['results page'],
    summary: 'One analysis for people: root cause, solutions, excerpts, links',
    security: browserAuth,
    request: { params: requestId },
    responses: { 200: html('Analysis page'), 401: errors[401], 404: html('Unknown request_id') },
  });
  registerIncidentPaths(r, { apiAuth, browserAuth, error, json, html });
  r.registerPath({
    method: 'get',
    path: '/openapi.json',
    tags: ['docs'],
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
  });
  r.registerPath({
    method: 'get',
    path: '/docs',
    tags: ['docs'],
    summary: 'Swagger UI over this document',
    responses: { 200: html('Swagger UI') },
  });
}

function buildRegistry(): OpenAPIRegistry {
  const r = new OpenAPIRegistry();
  const shared = registerShared(r);
  registerAnalysisPaths(r, shared);
  registerWebhookPaths(r, shared);
  registerDevelopmentPaths(r, shared);
  registerOperationsPaths(r, shared);
  return r;
}

export type TOpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

let built: TOpenApiDocument | undefined;

/**
 * Built from the same zod schemas the routes validate with; once per process (schema ids live in
 * zod's global registry).
 */
export function buildOpenApiDocument(version: string): TOpenApiDocument {
  built ??= new OpenApiGeneratorV31(buildRegistry().definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'ci-analyst ingest',
      version,
      description:
        'AI analyst for failed GitLab CI pipelines: webhooks in, analyses out. Errors are `{"error": {"code", "message", "field"?}}`.',
    },
    tags: [
      { name: 'analysis', description: 'Results for machines' },
      { name: 'incidents', description: 'Failures that share a fingerprint, across pipelines, refs and merge requests' },
      { name: 'webhooks', description: 'GitLab triggers' },
      { name: 'results page', description: 'Results for people (HTML)' },
      { name: 'operations', description: 'Health, metrics, queues' },
      { name: 'development', description: 'Helpers to try the product without GitLab (not in production)' },
      { name: 'docs' },
    ],
  });
  return built;
}
