import { baseJobName } from '@cia/contracts';
import { findIncidentByFingerprint, fingerprintsOfJobs } from '@cia/db';
import type { TJobRun, TPipelineRun } from '@cia/gitlab';
import { excerptLog, identifyFailure } from '@cia/log-intel';
import type { TComparedRun, TJobStatus, TPipelineRef } from '@cia/verdict';
import type { TPipelineDeps } from './pipeline-deps';
import type { TVerdictScope } from './verdict-scope';

/** Logs of compared jobs read per analysis, for failed jobs no analysis of ours has seen: a log is the costliest answer. */
const MAX_COMPARED_TRACES = 2;

/** The target branch's newest finished pipeline and its jobs (unknown when the budget ran out). */
export type TTargetRun = { pipeline: TPipelineRun; jobs: TJobRun[] | undefined };

/** What the jobs of one analysis share: the target run, the fingerprints our analyses gave its failed jobs, logs still allowed. */
export type TComparedState = { target: TTargetRun | undefined; knownFingerprints: Map<number, string>; tracesLeft: number };

const JOB_STATUSES = new Set<string>(['success', 'failed', 'canceled', 'skipped', 'manual', 'running', 'pending', 'created']);
/** GitLab's other statuses (`waiting_for_resource`, `preparing`, `scheduled`) are jobs not finished yet. */
const jobStatusOf = (status: string): TJobStatus => (JOB_STATUSES.has(status) ? (status as TJobStatus) : 'pending');

const pipelineRef = (p: TPipelineRun): TPipelineRef => ({
  pipelineId: p.id,
  sha: p.sha,
  ...(p.finishedAt ? { finishedAt: p.finishedAt } : {}),
  ...(p.webUrl ? { webUrl: p.webUrl } : {}),
});

/**
 * The run a failed job is compared with: on a merge request (or another branch) the target
 * branch's newest finished pipeline; on the default branch the newest finished one before this
 * pipeline. Its failed jobs' fingerprints come from our own analyses first.
 */
export async function findComparedState(deps: Pick<TPipelineDeps, 'db'>, scope: TVerdictScope): Promise<TComparedState> {
  const state: TComparedState = { target: undefined, knownFingerprints: new Map(), tracesLeft: MAX_COMPARED_TRACES };
  if (scope.history === undefined || scope.targetBranch === null) return state;
  const pipelines = await scope.history.finishedPipelinesOf(scope.targetBranch);
  const pipeline = pipelines?.find((p) => p.id !== scope.pipelineId && (!scope.onDefaultBranch || p.id < scope.pipelineId));
  if (pipeline === undefined) return state;
  const jobs = await scope.history.pipelineJobs(pipeline.id);
  state.target = { pipeline, jobs };
  const failed = (jobs ?? []).filter((j) => j.status === 'failed').map((j) => j.id);
  state.knownFingerprints = await fingerprintsOfJobs(deps.db, scope.projectId, failed);
  return state;
}

/** The same job in the target run: by its name, else by its base name (`rspec 2/4` ↔ `rspec 1/4`). */
function sameJob(jobs: TJobRun[], name: string): TJobRun | undefined {
  const base = baseJobName(name);
  return jobs.find((j) => j.name === name) ?? jobs.find((j) => baseJobName(j.name) === base);
}

/**
 * The compared run for one failed job: its job there with the status and, when it failed, the
 * fingerprint (ours, else identified from its log within the budget), and where the default
 * branch's red streak with this failure began.
 */
export async function comparedRunFor(
  deps: Pick<TPipelineDeps, 'db' | 'config'>,
  scope: TVerdictScope,
  state: TComparedState,
  job: { name: string; fingerprint: string },
  extraSecrets: readonly string[],
): Promise<TComparedRun | undefined> {
  const target = state.target;
  if (target === undefined || target.jobs === undefined) return undefined;
  const run = pipelineRef(target.pipeline);
  const match = sameJob(target.jobs, job.name);
  if (match === undefined) return run;
  const status = jobStatusOf(match.status);
  if (status !== 'failed') return { ...run, job: { jobId: match.id, status } };
  const fingerprint = state.knownFingerprints.get(match.id) ?? (await fingerprintFromLog(deps, scope, state, match, extraSecrets));
  const compared: TComparedRun = { ...run, job: { jobId: match.id, status, ...(fingerprint === undefined ? {} : { fingerprint }) } };
  if (fingerprint !== job.fingerprint) return compared;
  return { ...compared, failingSince: await failingSince(deps, scope, fingerprint) };
}

/** A failed compared job no analysis of ours has seen: its log, excerpted and identified as ours are. */
async function fingerprintFromLog(
  deps: Pick<TPipelineDeps, 'config'>,
  scope: TVerdictScope,
  state: TComparedState,
  job: TJobRun,
  extraSecrets: readonly string[],
): Promise<string | undefined> {
  if (state.tracesLeft <= 0 || scope.history === undefined) return undefined;
  state.tracesLeft--;
  const log = await scope.history.jobLog(job.id);
  if (log === undefined) return undefined;
  const { config } = deps;
  const excerpt = await excerptLog(log, {
    maxLines: config.EXCERPT_MAX_LINES,
    maxChars: config.EXCERPT_MAX_CHARS,
    contextLines: config.EXCERPT_CONTEXT_LINES,
    extraSecrets,
  });
  const fingerprint = identifyFailure({
    lines: excerpt.lines,
    project: scope.projectId,
    jobName: job.name,
    failureReason: job.failureReason,
  }).fingerprint;
  state.knownFingerprints.set(job.id, fingerprint);
  return fingerprint;
}

/** Where the default branch began failing with this incident; undefined: the compared run itself is all we know. */
async function failingSince(deps: Pick<TPipelineDeps, 'db'>, scope: TVerdictScope, fingerprint: string): Promise<TPipelineRef | undefined> {
  if (scope.targetBranch !== scope.defaultBranch) return undefined;
  const incident = await findIncidentByFingerprint(deps.db, fingerprint);
  if (incident?.status !== 'open' || incident.failingSincePipelineId === null) return undefined;
  return {
    pipelineId: incident.failingSincePipelineId,
    sha: incident.failingSinceSha ?? '',
    ...(incident.failingSinceAt ? { finishedAt: incident.failingSinceAt.toISOString() } : {}),
  };
}
