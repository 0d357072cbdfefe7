import crypto from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { acceptFailure } from '@cia/intake';
import { AppError, fromZodError } from '../http/app-error';
import type { TIngestDeps } from '../ingest-deps';
import { decodeDelivery } from '../webhooks/decode-delivery';
import { handleDelivery, type TDeliveryDeps } from '../webhooks/handle-delivery';
import { loadMockData, type TMockData } from '../dev/mock-data';
import { SCENARIOS, findScenario } from '../dev/scenarios';

export const ZCustomWebhook = z.object({
  project_id: z.number().int().positive().default(1001),
  pipeline_id: z.number().int().positive().optional(),
  pipeline_status: z.string().default('failed'),
  ref: z.string().default('main'),
  failed_jobs: z
    .array(
      z.object({
        id: z.number().int().positive().optional(),
        name: z.string(),
        stage: z.string().default('test'),
        failure_reason: z.string().default('script_failure'),
      }),
    )
    .default([{ name: 'test', stage: 'test', failure_reason: 'script_failure' }]),
});

const randomId = () => 100_000 + crypto.randomInt(1, 2_000_000_000);

/** Development helpers of the original (404 in production): they drive the real intake path. */
export function devRoutes(deps: TIngestDeps, delivery: TDeliveryDeps): Router {
  const router = Router();
  let mock = loadMockData(deps.config.DATA_DIR);

  router.use('/test', (_req, _res, next) => {
    if (deps.config.ENVIRONMENT === 'production') return next(new AppError('not_found', 'development helpers are off in production'));
    next();
  });

  router.post('/test/webhook/custom', express.json({ limit: '1mb' }), async (req, res) => {
    const parsed = ZCustomWebhook.safeParse(req.body ?? {});
    if (!parsed.success) throw fromZodError(parsed.error);
    const input = parsed.data;
    const pipelineId = input.pipeline_id ?? randomId();
    const body = customPipelineHook(
      input,
      pipelineId,
      mock.data.projects.find((p) => p.id === input.project_id),
    );
    const headers: Record<string, string> = {
      'x-gitlab-event': 'Pipeline Hook',
      'content-type': 'application/json',
      'user-agent': 'ci-analyst/test-helper',
    };
    const answer = await handleDelivery(delivery, { headers, decoded: decodeDelivery(headers['x-gitlab-event'], JSON.stringify(body)) });
    res.status(answer.status).json({ ...answer.body, pipeline_id: pipelineId, project_id: input.project_id });
  });

  router.get('/test/scenarios', (_req, res) => {
    res.json({
      scenarios: SCENARIOS.map(({ name, description, category }) => ({ name, description, category, trigger: `/test/scenarios/${name}` })),
    });
  });

  router.get('/test/scenarios/:name', async (req, res) => {
    const scenario = findScenario(req.params.name);
    if (!scenario) throw new AppError('not_found', `no scenario "${req.params.name}"; see GET /test/scenarios`);
    const project = mock.data.projects[0]!;
    const pipelineId = randomId();
    const jobId = randomId();
    const outcome = await acceptFailure(delivery, {
      trigger: 'manual',
      project: {
        id: project.id,
        path: project.path_with_namespace,
        name: project.name,
        web_url: project.web_url,
        default_branch: project.default_branch,
      },
      pipeline: {
        id: pipelineId,
        ref: project.default_branch,
        sha: crypto.randomBytes(20).toString('hex'),
        url: `${project.web_url}/-/pipelines/${pipelineId}`,
        status: 'failed',
      },
      failedJobs: [{ ...scenario.job, id: jobId, status: 'failed', web_url: `${project.web_url}/-/jobs/${jobId}`, log_tail: scenario.log }],
    });
    res.status(202).json({ status: 'accepted', scenario: scenario.name, request_id: outcome.requestId, pipeline_id: pipelineId });
  });

  router.get('/test/mock/projects', (_req, res) => res.json({ source: mock.source, projects: mock.data.projects }));
  router.get('/test/mock/users', (_req, res) => res.json({ source: mock.source, users: mock.data.users }));
  router.post('/test/mock/reload', (_req, res) => {
    try {
      mock = loadMockData(deps.config.DATA_DIR);
    } catch (err) {
      throw new AppError('validation_failed', `mock-data.json is invalid: ${(err as Error).message}`);
    }
    res.json({ reloaded: true, source: mock.source, projects: mock.data.projects.length, users: mock.data.users.length });
  });
  return router;
}

/** The Pipeline Hook GitLab would send for the custom webhook's input. */
function customPipelineHook(input: z.infer<typeof ZCustomWebhook>, pipelineId: number, project: TMockData['projects'][number] | undefined) {
  const projectUrl = project?.web_url ?? `https://gitlab.example.com/project-${input.project_id}`;
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: pipelineId,
      ref: input.ref,
      sha: crypto.randomBytes(20).toString('hex'),
      status: input.pipeline_status,
      url: `${projectUrl}/-/pipelines/${pipelineId}`,
    },
    project: {
      id: input.project_id,
      name: project?.name ?? `project-${input.project_id}`,
      web_url: projectUrl,
      path_with_namespace: project?.path_with_namespace ?? null,
      default_branch: project?.default_branch ?? 'main',
    },
    builds: input.failed_jobs.map((j) => ({
      id: j.id ?? randomId(),
      name: j.name,
      stage: j.stage,
      status: input.pipeline_status === 'failed' ? 'failed' : input.pipeline_status,
      failure_reason: j.failure_reason,
      allow_failure: false,
    })),
  };
}
