import type { TProjectKey } from '../gitlab.client';
import { summarizeJob } from './job-summaries';
import { GATHER_CACHE_TTL } from './fetch-cache';
import type { TGatherScope } from './fetch-scope';
import type { TDownstreamPipeline, TJobSummary } from './pipeline-context.types';

export type TPipelineJobs = { jobs: TJobSummary[]; depth: number; bridge: string | null };

/** `cacheTtlMs` only for a finished pipeline, whose job list no longer changes. */
export function listJobsStep(scope: TGatherScope, projectId: TProjectKey, numericProjectId: number, pipelineId: number, options: { scope?: string[]; cacheTtlMs?: number } = {}) {
  const key = `jobs:${numericProjectId}:${pipelineId}`;
  const load = async () => {
    const list = await scope.client.listPipelineJobs(projectId, pipelineId, { scope: options.scope });
    return { data: list.map((j) => summarizeJob(j, numericProjectId, pipelineId)), count: list.length };
  };
  if (options.cacheTtlMs === undefined) return scope.run.step(key, load);
  return scope.run.cached(key, { store: scope.cache, key: `${key}:${(options.scope ?? []).join(',')}`, ttlMs: options.cacheTtlMs }, load);
}

/**
 * Child and multi-project pipelines behind the pipeline's trigger jobs (bridges), breadth first,
 * bounded in depth and number; only failed ones unless the full pipeline is wanted.
 */
export async function walkDownstreamPipelines(scope: TGatherScope): Promise<{ downstream: TDownstreamPipeline[]; jobs: Map<number, TPipelineJobs> }> {
  const { settings, run, client } = scope;
  const downstream: TDownstreamPipeline[] = [];
  const jobs = new Map<number, TPipelineJobs>();
  const queue: Array<{ project: TProjectKey; projectId: number; pipelineId: number; depth: number }> = [
    { project: scope.project, projectId: scope.projectId, pipelineId: scope.pipelineId, depth: 0 },
  ];
  const visited = new Set<number>([scope.pipelineId]);
  while (queue.length > 0) {
    const current = queue.shift() as (typeof queue)[number];
    if (current.depth >= settings.maxPipelineDepth) continue;
    const bridges = await run.step(`bridges:${current.projectId}:${current.pipelineId}`, async () => {
      const list = await client.listPipelineBridges(current.project, current.pipelineId);
      return {
        data: list.map((b) => ({
          name: b.name,
          status: b.status,
          downstream: b.downstream_pipeline
            ? { id: b.downstream_pipeline.id, project_id: b.downstream_pipeline.project_id ?? null, status: b.downstream_pipeline.status ?? null, web_url: b.downstream_pipeline.web_url ?? null }
            : null,
        })),
        count: list.length,
      };
    });
    for (const bridge of bridges ?? []) {
      const d = bridge.downstream;
      if (!d || visited.has(d.id) || downstream.length >= settings.maxDownstreamPipelines) continue;
      if (!settings.fetchFullPipeline && d.status === 'success') continue;
      visited.add(d.id);
      const projectId = await downstreamProjectId(scope, d);
      // A multi-project pipeline is never read from the parent's project: unknown project, not read.
      if (projectId === null) continue;
      const depth = current.depth + 1;
      downstream.push({ id: d.id, project_id: projectId, status: d.status, web_url: d.web_url, bridge_name: bridge.name, depth });
      const listed = await listJobsStep(scope, projectId, projectId, d.id);
      if (listed) jobs.set(d.id, { jobs: listed, depth, bridge: bridge.name });
      queue.push({ project: projectId, projectId, pipelineId: d.id, depth });
    }
  }
  return { downstream, jobs };
}

/**
 * The project of a downstream pipeline: GitLab's answer names it, or (older versions leave
 * `project_id` out) its web URL under this instance does, and the API confirms the id.
 */
async function downstreamProjectId(scope: TGatherScope, d: { id: number; project_id: number | null; web_url: string | null }): Promise<number | null> {
  if (d.project_id) return d.project_id;
  const path = projectPathOfPipelineUrl(scope.client.webBase, d.web_url, d.id);
  if (!path) return null;
  return scope.run.cached(`downstream_project:${d.id}`, { store: scope.cache, key: `project-id:${path}`, ttlMs: GATHER_CACHE_TTL.project }, async () => {
    const project = await scope.client.getProject(path);
    return { data: project.id, count: 1 };
  });
}

/** `https://host/gitlab/group/app/-/pipelines/5` → `group/app`, only under this instance's web URL. */
export function projectPathOfPipelineUrl(webBase: string, url: string | null, pipelineId: number): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const base = new URL(webBase);
  const prefix = `${base.pathname.replace(/\/+$/, '')}/`;
  if (parsed.origin !== base.origin || !parsed.pathname.startsWith(prefix)) return null;
  const match = /^(.+)\/-\/pipelines\/(\d+)\/?$/.exec(parsed.pathname.slice(prefix.length));
  if (!match || Number(match[2]) !== pipelineId) return null;
  // GitLab paths are letters, digits, `_`, `-`, `.` (and `+` in older groups); anything else is not ours.
  const segments = (match[1] as string).split('/');
  return segments.every((s) => /^[\w.+-]+$/.test(s) && s !== '.' && s !== '..') ? segments.join('/') : null;
}
