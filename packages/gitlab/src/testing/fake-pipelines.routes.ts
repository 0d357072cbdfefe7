import type { TFakePipeline, TFakeProject } from './fake-gitlab.types';
import { json, notFound, paginate } from './fake-http';
import { renderJob } from './fake-jobs.routes';
import type { TFakeCall } from './fake-route';
import type { TFakeStore } from './fake-store';

export function renderPipeline(store: TFakeStore, project: TFakeProject, p: TFakePipeline) {
  return {
    id: p.id,
    iid: p.iid ?? p.id,
    project_id: project.id,
    ref: p.ref ?? project.default_branch ?? 'main',
    sha: p.sha ?? 'a'.repeat(40),
    status: p.status ?? 'failed',
    source: p.source ?? 'push',
    tag: p.tag ?? false,
    web_url: `${store.webBase()}/${project.path_with_namespace}/-/pipelines/${p.id}`,
    created_at: '2026-11-20T10:00:00.000Z',
    updated_at: '2026-11-20T10:05:00.000Z',
  };
}

function withoutProjectId<T extends { project_id?: number }>(pipeline: T, omit = false): T {
  if (!omit) return pipeline;
  const { project_id: _omitted, ...rest } = pipeline;
  return rest as T;
}

const SCOPES: Record<string, (p: TFakePipeline) => boolean> = {
  finished: (p) => ['success', 'failed', 'canceled', 'skipped'].includes(p.status ?? 'failed'),
  running: (p) => p.status === 'running',
  pending: (p) => p.status === 'pending',
  branches: (p) => !p.tag,
  tags: (p) => p.tag === true,
};

/** GitLab's `scope` filter of the pipeline list; an unknown scope filters nothing (GitLab answers 400, not needed here). */
const inScope = (p: TFakePipeline, scope: string | string[] | undefined): boolean =>
  typeof scope !== 'string' || (SCOPES[scope]?.(p) ?? true);

/** `/projects/:id/pipelines` (filtered by ref, status, sha, scope; by id), one pipeline, its jobs, bridges and test report. */
export function pipelinesRoute(call: TFakeCall): void {
  const { req, res, project, rest, store } = call;
  const { query } = req;
  if (rest.length === 1) {
    const list = (project.pipelines ?? [])
      .filter((p) => !query.ref || (p.ref ?? project.default_branch ?? 'main') === query.ref)
      .filter((p) => !query.status || (p.status ?? 'failed') === query.status)
      .filter((p) => !query.sha || p.sha === query.sha)
      .filter((p) => inScope(p, query.scope))
      .sort((a, b) => (query.sort === 'asc' ? a.id - b.id : b.id - a.id))
      .map((p) => renderPipeline(store, project, p));
    return paginate(req, res, list, store.maxPerPage);
  }
  const pipeline = store.findPipeline(project.id, Number(rest[1]));
  if (!pipeline) return notFound(res);
  if (rest.length === 2) return json(res, 200, renderPipeline(store, project, pipeline));
  if (rest.length === 3 && rest[2] === 'jobs') return listJobs(call, pipeline);
  if (rest.length === 3 && rest[2] === 'bridges') return listBridges(call, pipeline);
  if (rest.length === 3 && rest[2] === 'test_report') return testReport(call, pipeline);
  return notFound(res);
}

function listJobs({ req, res, project, store }: TFakeCall, pipeline: TFakePipeline): void {
  const includeRetried = req.query.include_retried === 'true';
  const scope = ([] as string[]).concat(req.query['scope[]'] ?? req.query.scope ?? []);
  const jobs = (pipeline.jobs ?? [])
    .filter((j) => includeRetried || !j.retried)
    .filter((j) => scope.length === 0 || scope.includes(j.status ?? 'success'))
    .sort((a, b) => b.id - a.id)
    .map((j) => renderJob(store, project, pipeline, j));
  return paginate(req, res, jobs, store.maxPerPage);
}

function listBridges({ req, res, project, store }: TFakeCall, pipeline: TFakePipeline): void {
  const bridges = (pipeline.bridges ?? []).map((b) => {
    const downstreamProject = b.downstream ? store.projects.get(b.downstream.projectId) : undefined;
    const downstream = b.downstream && downstreamProject ? store.findPipeline(b.downstream.projectId, b.downstream.pipelineId) : undefined;
    return {
      id: b.id,
      name: b.name,
      stage: b.stage ?? 'test',
      status: b.status ?? downstream?.status ?? 'success',
      allow_failure: b.allow_failure ?? false,
      web_url: `${store.webBase()}/${project.path_with_namespace}/-/jobs/${b.id}`,
      pipeline: renderPipeline(store, project, pipeline),
      downstream_pipeline:
        downstream && downstreamProject
          ? withoutProjectId(renderPipeline(store, downstreamProject, downstream), b.downstream?.omitProjectId)
          : null,
    };
  });
  return paginate(req, res, bridges, store.maxPerPage);
}

function testReport({ res }: TFakeCall, pipeline: TFakePipeline): void {
  if (!pipeline.testReport) return notFound(res);
  const suites = pipeline.testReport.suites.map((s) => {
    const count = (st: string) => s.cases.filter((c) => c.status === st).length;
    return {
      name: s.name,
      total_time: 1,
      total_count: s.cases.length,
      success_count: count('success'),
      failed_count: count('failed'),
      skipped_count: count('skipped'),
      error_count: count('error'),
      test_cases: s.cases.map((c) => ({ classname: null, file: null, execution_time: 0.1, system_output: null, stack_trace: null, ...c })),
    };
  });
  const sum = (k: 'total_count' | 'success_count' | 'failed_count' | 'skipped_count' | 'error_count') =>
    suites.reduce((n, s) => n + s[k], 0);
  return json(res, 200, {
    total_time: suites.length,
    total_count: sum('total_count'),
    success_count: sum('success_count'),
    failed_count: sum('failed_count'),
    skipped_count: sum('skipped_count'),
    error_count: sum('error_count'),
    test_suites: suites,
  });
}
