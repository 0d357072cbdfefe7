import { extractJobDefinition, type TCiConfig } from '../ci-config';
import type { TProjectKey } from '../gitlab.client';
import type { TConfigScope } from './config-scope';
import { downstreamProjectId } from './downstream-project';
import type { TFetchScope } from './fetch-scope';
import { logFromTrigger, summarizeJob, summarizeKnownJob, toLogText } from './job-summaries';
import type { TContextJob, TDownstreamPipeline, TFetchInput, TJobSummary, TLogText, TPipelineContext } from './pipeline-context.types';
import { settleAll } from './settle-all';

type TKnown = NonNullable<TFetchInput['known']>;

/** Job statuses analysed as failures (GitLab's `failed`; `canceled` and `skipped` are not). */
const FAILED_STATUSES = new Set(['failed']);

type TPipelineJobs = { jobs: TJobSummary[]; depth: number; bridge: string | null };

/** The jobs of the pipeline (null: not listed) and of the downstream pipelines behind its trigger jobs. */
export type TJobLists = { main: TJobSummary[] | null; downstream: TDownstreamPipeline[]; downstreamJobs: Map<number, TPipelineJobs> };

/** The step listing one pipeline's jobs; `cacheTtlMs` only for a finished pipeline, whose job list no longer changes. */
export function listJobsStep(
  scope: TFetchScope,
  projectId: TProjectKey,
  numericProjectId: number,
  pipelineId: number,
  options: { scope?: string[]; cacheTtlMs?: number } = {},
) {
  const key = `jobs:${numericProjectId}:${pipelineId}`;
  const load = async () => {
    const list = await scope.client.listPipelineJobs(projectId, pipelineId, { scope: options.scope });
    return { data: list.map((j) => summarizeJob(j, numericProjectId, pipelineId)), count: list.length };
  };
  if (options.cacheTtlMs === undefined) return scope.run.step(key, load);
  return scope.run.cached(key, { store: scope.cache, key: `${key}:${(options.scope ?? []).join(',')}`, ttlMs: options.cacheTtlMs }, load);
}

/** Both listings at once; downstream pipelines only when the CI config can have trigger jobs (see config-scope.ts). */
export async function fetchJobLists(scope: TFetchScope, known: TKnown, config: Promise<TConfigScope>): Promise<TJobLists> {
  const none = { downstream: [], downstreamJobs: new Map<number, TPipelineJobs>() };
  const [main, walked] = await settleAll([
    listPipelineJobs(scope, known),
    scope.reachable ? config.then((c) => (c.mayTrigger ? walkDownstreamPipelines(scope) : none)) : none,
  ]);
  return { main, ...walked };
}

/**
 * The trigger's failed-job list is enough unless the whole pipeline or the artifacts are wanted;
 * the whole pipeline is what a Pipeline Hook lists too, only the artifacts need the API.
 */
function listPipelineJobs(scope: TFetchScope, known: TKnown): TJobSummary[] | null | Promise<TJobSummary[] | null> {
  const { settings } = scope;
  const wanted = settings.fetchFullPipeline || settings.fetchArtifacts || knownFailedJobs(known).length === 0;
  if (!scope.reachable || !wanted) return null;
  const hookJobs = known.pipeline?.jobs;
  if (hookJobs?.length && !settings.fetchArtifacts) {
    const webUrl = known.project?.web_url ?? null;
    return scope.run.fromTrigger(
      `jobs:${scope.projectId}:${scope.pipelineId}`,
      hookJobs.map((j) => summarizeKnownJob(j, scope.projectId, scope.pipelineId, webUrl)),
    );
  }
  return listJobsStep(scope, scope.project, scope.projectId, scope.pipelineId);
}

function knownFailedJobs(known: TKnown) {
  return (known.failedJobs ?? []).filter((j) => FAILED_STATUSES.has(j.status));
}

/**
 * Child and multi-project pipelines behind the pipeline's trigger jobs (bridges), breadth first,
 * bounded in depth and number; only failed ones unless the full pipeline is wanted.
 */
async function walkDownstreamPipelines(scope: TFetchScope): Promise<Omit<TJobLists, 'main'>> {
  const { settings, run, client } = scope;
  const downstream: TDownstreamPipeline[] = [];
  const downstreamJobs = new Map<number, TPipelineJobs>();
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
            ? {
                id: b.downstream_pipeline.id,
                project_id: b.downstream_pipeline.project_id ?? null,
                status: b.downstream_pipeline.status ?? null,
                web_url: b.downstream_pipeline.web_url ?? null,
              }
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
      if (listed) downstreamJobs.set(d.id, { jobs: listed, depth, bridge: bridge.name });
      queue.push({ project: projectId, projectId, pipelineId: d.id, depth });
    }
  }
  return { downstream, downstreamJobs };
}

/**
 * The failed jobs to analyse (at most `maxFailedJobs`; the others are only named), each with its
 * log and, for the triggering pipeline's jobs, its definition in the CI config.
 */
export async function fetchFailedJobs(
  scope: TFetchScope,
  lists: TJobLists,
  known: TKnown,
  ciConfig: TCiConfig | null,
): Promise<Pick<TPipelineContext, 'failed_jobs' | 'skipped_failed_jobs' | 'all_jobs'>> {
  const { settings } = scope;
  const candidates = failedJobCandidates(scope, lists, known);
  const tails = new Map((known.failedJobs ?? []).map((j) => [j.id, j.log_tail]));
  const failedJobs: TContextJob[] = await settleAll(
    candidates.slice(0, settings.maxFailedJobs).map(async (job) => {
      const log = await readJobLog(scope, job, tails.get(job.id));
      const definition = ciConfig && job.depth === 0 ? extractJobDefinition(ciConfig, job.name) : null;
      return { ...job, log, definition, baseline: null, report_files: [] };
    }),
  );
  return {
    failed_jobs: failedJobs,
    skipped_failed_jobs: candidates.slice(settings.maxFailedJobs).map((j) => ({ id: j.id, name: j.name })),
    all_jobs:
      settings.fetchFullPipeline && lists.main ? [...lists.main, ...[...lists.downstreamJobs.values()].flatMap((p) => p.jobs)] : null,
  };
}

/** Failed jobs of the listing when there is one (else the trigger's list) and of downstream pipelines; breaking jobs before allowed failures, shallow before deep. */
function failedJobCandidates(
  scope: TFetchScope,
  lists: TJobLists,
  known: TKnown,
): Array<TJobSummary & { depth: number; via_bridge: string | null }> {
  const isFailed = (j: TJobSummary) => FAILED_STATUSES.has(j.status);
  const main = lists.main
    ? lists.main.filter(isFailed)
    : knownFailedJobs(known).map((j) => summarizeKnownJob(j, scope.projectId, scope.pipelineId));
  const candidates = [
    ...main.map((j) => ({ ...j, depth: 0, via_bridge: null })),
    ...[...lists.downstreamJobs.values()].flatMap((p) =>
      p.jobs.filter(isFailed).map((j) => ({ ...j, depth: p.depth, via_bridge: p.bridge })),
    ),
  ];
  return candidates.sort((a, b) => Number(a.allow_failure) - Number(b.allow_failure) || a.depth - b.depth);
}

/** The job's log, read within the budgets; an empty or unreadable trace (erased, expired) falls back to what the trigger carried. */
async function readJobLog(scope: TFetchScope, job: TJobSummary, triggerTail: string | undefined): Promise<TLogText | null> {
  const fetched =
    scope.settings.autoFetchLogs && scope.reachable
      ? await scope.run.step(`trace:${job.id}`, async () => {
          const trace = await scope.client.readJobTrace(job.project_id || scope.project, job.id, scope.logLimits);
          return {
            data: toLogText(trace),
            bytes: trace.totalBytes,
            count: trace.totalLines,
            truncated: trace.truncated,
            readStop: trace.stoppedBy,
          };
        })
      : null;
  return fetched && fetched.total_bytes > 0 ? fetched : (logFromTrigger(triggerTail) ?? fetched);
}
