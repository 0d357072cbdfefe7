import { canonicalPipelineRef, MERGE_REQUEST_REF } from '@cia/contracts';
import { extractJobDefinition, parseCiConfig } from '../ci-config';
import { configScope, testReportPossible } from './config-scope';
import { logFromTrigger, mergeRequestFromTrigger, summarizeKnownJob, toLogText } from './job-summaries';
import { attachBaselines } from './fetch-baselines';
import { attachReportFiles, gatherTestReports } from './fetch-reports';
import { GATHER_CACHE_TTL } from './fetch-cache';
import { FAILED_STATUSES, type TGatherScope } from './fetch-scope';
import type { GitLabClient, TProjectKey } from '../gitlab.client';
import { resolveFetchSettings, type TFetchSettings } from '../gitlab.settings';
import type { TContextJob, TGatherInput, TGatherOptions, TJobSummary, TPipelineContext } from './pipeline-context.types';
import { createStepRunner } from './step-runner';
import { listJobsStep, walkDownstreamPipelines, type TPipelineJobs } from './fetch-jobs';

const MB = 1024 * 1024;

/** Like Promise.all, but every step finishes (and is persisted) before the first failure is thrown. */
async function settleAll<T extends readonly unknown[]>(promises: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
/** A project step failing with these means the token cannot see the project: nothing else is tried. */
const UNREACHABLE = new Set(['not_found', 'unauthorized', 'forbidden']);

/**
 * Gathers what the analysis needs about one failed pipeline: hybrid (the trigger's facts first, the
 * API for the rest), bounded (logs cut to the limits, child pipelines to a depth), and resumable
 * (each step is recorded; steps in `options.previous` are not fetched again).
 */
export async function gatherPipelineContext(
  client: GitLabClient,
  input: TGatherInput,
  fetchSettings: TFetchSettings,
  options: TGatherOptions = {},
): Promise<TPipelineContext> {
  const settings = resolveFetchSettings(fetchSettings);
  const known = input.known ?? {};
  const kp = known.pipeline;
  const projectKey: TProjectKey | null = input.project.id ?? input.project.path ?? known.project?.id ?? known.project?.path ?? null;
  if (projectKey === null) throw new Error('gatherPipelineContext: a project id or path is needed');
  const run = createStepRunner(options);

  const cache = options.cache;
  const project = await run.cached('project', { store: cache, key: `project:${projectKey}`, ttlMs: GATHER_CACHE_TTL.project }, async () => {
    const p = await client.getProject(projectKey);
    return { data: { id: p.id, path: p.path_with_namespace, name: p.name, web_url: p.web_url ?? null, default_branch: p.default_branch ?? null, ci_config_path: p.ci_config_path ?? null }, count: 1 };
  });
  const reachable = project !== null || !UNREACHABLE.has(run.records.find((r) => r.step === 'project')?.error_code ?? '');
  const scope: TGatherScope = {
    client,
    run,
    cache,
    settings,
    project: project?.id ?? projectKey,
    projectId: project?.id ?? (typeof projectKey === 'number' ? projectKey : (known.project?.id ?? 0)),
    pipelineId: input.pipelineId,
    logLimits: { maxBytes: settings.maxLogSizeMb * MB, maxLines: settings.logLinesLimit, maxReadBytes: settings.maxLogReadMb * MB, maxReadMs: settings.logReadTimeoutS * 1000 },
  };
  const pid = scope.project;

  const pipeline = kp?.ref && kp.sha && kp.status
    ? run.fromTrigger('pipeline', { id: input.pipelineId, iid: kp.iid ?? null, ref: kp.ref, sha: kp.sha, status: kp.status, source: kp.source ?? null, web_url: kp.url ?? null })
    : reachable
      ? await run.step('pipeline', async () => {
          const p = await client.getPipeline(pid, input.pipelineId);
          return { data: { id: p.id, iid: p.iid ?? null, ref: p.ref ?? null, sha: p.sha ?? null, status: p.status, source: p.source ?? null, web_url: p.web_url ?? null }, count: 1 };
        })
      : null;
  const sha = pipeline?.sha ?? kp?.sha ?? null;
  const ref = pipeline?.ref ?? kp?.ref ?? null;
  const knownFailed = (known.failedJobs ?? []).filter((j) => FAILED_STATUSES.has(j.status));
  const ciConfigPath = project?.ci_config_path || known.project?.ci_config_path || '.gitlab-ci.yml';
  const mrIid = kp?.merge_request_iid ?? Number(MERGE_REQUEST_REF.exec(ref ?? '')?.[1] ?? NaN);
  const triggerMergeRequest = mergeRequestFromTrigger(kp?.merge_request);

  // A config kept in another project (`path@group/project`) or at a URL is not read.
  const ciConfigStep = reachable && (sha ?? ref) && !/@|^https?:/.test(ciConfigPath)
    ? run.step('ci_config', async () => {
        const file = await client.readRepositoryFile(pid, ciConfigPath, (sha ?? ref) as string, { maxBytes: settings.maxCiConfigBytes, maxLines: 0, headRatio: 1 });
        return { data: file && { path: ciConfigPath, text: file.text, truncated: file.truncated }, bytes: file?.totalBytes ?? 0, count: file ? 1 : 0, truncated: file?.truncated };
      })
    : Promise.resolve(null);
  // Bridges and test reports wait for the config, which says whether the pipeline can have them.
  const scoped = ciConfigStep.then((config) => configScope(config, pipeline?.source ?? kp?.source ?? null), () => configScope(null, null));
  const noDownstream: Awaited<ReturnType<typeof walkDownstreamPipelines>> = { downstream: [], jobs: new Map<number, TPipelineJobs>() };

  // Independent of one another: run together, within the client's concurrency limit.
  const [languages, commit, mergeRequest, ciConfig, mainJobs, walked] = await settleAll([
    reachable
      ? run.cached('languages', { store: cache, key: `languages:${pid}`, ttlMs: GATHER_CACHE_TTL.project }, async () => {
          const data = await client.getProjectLanguages(pid);
          return { data, count: Object.keys(data).length };
        })
      : null,
    kp?.commit_title && kp.commit_author && sha
      ? run.fromTrigger('commit', { sha, title: kp.commit_title, message: null, author_name: kp.commit_author, author_email: null })
      : reachable && sha
        ? run.step('commit', async () => {
            const c = await client.getCommit(pid, sha);
            return { data: { sha: c.id, title: c.title ?? null, message: c.message ?? null, author_name: c.author_name ?? null, author_email: c.author_email ?? null }, count: 1 };
          })
        : null,
    triggerMergeRequest
      ? run.fromTrigger('merge_request', triggerMergeRequest)
      : reachable
      ? run.step('merge_request', async () => {
          let mr = null;
          if (Number.isInteger(mrIid)) mr = await client.getMergeRequest(pid, mrIid);
          else if (sha) {
            const found = await client.listCommitMergeRequests(pid, sha);
            mr = found.find((m) => m.state === 'opened' && m.source_branch === ref) ?? found.find((m) => m.state === 'opened') ?? null;
          }
          return {
            data: mr && { iid: mr.iid, title: mr.title, state: mr.state, web_url: mr.web_url ?? null, source_branch: mr.source_branch ?? null, target_branch: mr.target_branch ?? null, author: mr.author?.username ?? null },
            count: mr ? 1 : 0,
          };
        })
      : null,
    ciConfigStep,
    // The trigger's failed-job list is enough unless the whole pipeline or the artifacts are wanted;
    // the whole pipeline is what a Pipeline Hook lists too, only the artifacts need the API.
    reachable && (settings.fetchFullPipeline || settings.fetchArtifacts || knownFailed.length === 0)
      ? kp?.jobs?.length && !settings.fetchArtifacts
        ? run.fromTrigger(`jobs:${scope.projectId}:${input.pipelineId}`, kp.jobs.map((j) => summarizeKnownJob(j, scope.projectId, input.pipelineId, known.project?.web_url ?? null)))
        : listJobsStep(scope, pid, scope.projectId, input.pipelineId)
      : null,
    reachable ? scoped.then((s) => (s.mayTrigger ? walkDownstreamPipelines(scope) : noDownstream)) : noDownstream,
  ]);
  // The API names a merge request pipeline's ref refs/merge-requests/<iid>/head; the analysis
  // uses the source branch, as the triggers do (GitLab's ref when the branch is not known).
  const branchRef = canonicalPipelineRef({ ref, sourceBranch: mergeRequest?.source_branch }).ref ?? ref;
  const mayReportTests = testReportPossible(mainJobs, await scoped);
  const parsedCi = ciConfig && !ciConfig.truncated ? parseCiConfig(ciConfig.text) : null;

  // Failed jobs: the listing when there is one, else the trigger's list; breaking jobs before allowed failures.
  const mainFailed = mainJobs ? mainJobs.filter((j) => FAILED_STATUSES.has(j.status)) : knownFailed.map((j) => summarizeKnownJob(j, scope.projectId, input.pipelineId));
  const candidates: Array<TJobSummary & { depth: number; via_bridge: string | null }> = [
    ...mainFailed.map((j) => ({ ...j, depth: 0, via_bridge: null })),
    ...[...walked.jobs.values()].flatMap((p) => p.jobs.filter((j) => FAILED_STATUSES.has(j.status)).map((j) => ({ ...j, depth: p.depth, via_bridge: p.bridge }))),
  ];
  candidates.sort((a, b) => Number(a.allow_failure) - Number(b.allow_failure) || a.depth - b.depth);
  const chosen = candidates.slice(0, settings.maxFailedJobs);

  const tails = new Map((known.failedJobs ?? []).map((j) => [j.id, j.log_tail]));
  const failedJobs: TContextJob[] = await settleAll(
    chosen.map(async (job) => {
      const fetched = settings.autoFetchLogs && reachable
        ? await run.step(`trace:${job.id}`, async () => {
            const trace = await client.readJobTrace(job.project_id || pid, job.id, scope.logLimits);
            return { data: toLogText(trace), bytes: trace.totalBytes, count: trace.totalLines, truncated: trace.truncated, readStop: trace.stoppedBy };
          })
        : null;
      // An empty or unreadable trace (erased, expired) falls back to what the trigger carried.
      const log = fetched && fetched.total_bytes > 0 ? fetched : (logFromTrigger(tails.get(job.id)) ?? fetched);
      const definition = parsedCi && job.depth === 0 ? extractJobDefinition(parsedCi, job.name) : null;
      return { ...job, log, definition, baseline: null, report_files: [] };
    }),
  );

  if (settings.fetchArtifacts && reachable && parsedCi) await attachReportFiles(scope, failedJobs, parsedCi);

  const testReport = settings.fetchTestReports && reachable
    ? await gatherTestReports(scope, [
        ...(mayReportTests ? [{ project: pid, projectId: scope.projectId, pipelineId: input.pipelineId }] : []),
        ...walked.downstream.filter((d) => d.status !== 'success').map((d) => ({ project: d.project_id, projectId: d.project_id, pipelineId: d.id })),
      ])
    : null;

  if (settings.autoFetchLogs && settings.fetchBaseline && reachable && branchRef) {
    await attachBaselines(scope, failedJobs, [branchRef, mergeRequest?.target_branch, project?.default_branch ?? known.project?.default_branch]);
  }

  const kproj = known.project;
  return {
    project: {
      id: project?.id ?? (typeof projectKey === 'number' ? projectKey : (kproj?.id ?? null)),
      path: project?.path ?? kproj?.path ?? (typeof projectKey === 'string' ? projectKey : null),
      name: project?.name ?? kproj?.name ?? null,
      web_url: project?.web_url ?? kproj?.web_url ?? null,
      default_branch: project?.default_branch ?? kproj?.default_branch ?? null,
      ci_config_path: project?.ci_config_path ?? kproj?.ci_config_path ?? null,
      languages: languages ?? null,
    },
    pipeline: { ...(pipeline ?? { id: input.pipelineId, iid: kp?.iid ?? null, sha, status: kp?.status ?? null, source: kp?.source ?? null, web_url: kp?.url ?? null }), ref: branchRef },
    commit: commit ?? null,
    merge_request: mergeRequest ?? null,
    ci_config: ciConfig ?? null,
    failed_jobs: failedJobs,
    skipped_failed_jobs: candidates.slice(settings.maxFailedJobs).map((j) => ({ id: j.id, name: j.name })),
    all_jobs: settings.fetchFullPipeline && mainJobs ? [...mainJobs, ...[...walked.jobs.values()].flatMap((p) => p.jobs)] : null,
    downstream_pipelines: walked.downstream,
    test_report: testReport,
    log_context_lines: settings.logContextLines,
    steps: run.records,
    state: run.state,
  };
}
