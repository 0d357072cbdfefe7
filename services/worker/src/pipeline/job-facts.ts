import { baseJobName } from '@cia/contracts';
import { countIntermittentChanges, countSameCommitFailures, findIncidentByFingerprint } from '@cia/db';
import type { TContextJob } from '@cia/gitlab';
import { diffAgainstBaseline, type TExcerpt, type TFailureIdentity } from '@cia/log-intel';
import { readExcerptFacts, type TJobFacts, type TPipelineRef } from '@cia/verdict';
import { comparedRunFor, type TComparedState } from './compared-run';
import type { TPipelineDeps } from './pipeline-deps';
import type { TVerdictScope } from './verdict-scope';

/** How far back a failure coming and going on other changes counts as intermittent. */
const INTERMITTENT_WINDOW_MS = 30 * 24 * 3_600_000;
/** Other finished pipelines of the same commit whose jobs are read for passes. */
const MAX_COMMIT_PIPELINES = 2;

/** Passes of each job (by base name) in the other finished pipelines of this pipeline's commit; unknown without GitLab. */
export async function passesOnCommit(scope: TVerdictScope): Promise<Map<string, number>> {
  const passes = new Map<string, number>();
  if (scope.history === undefined || scope.sha === null) return passes;
  const others = ((await scope.history.finishedPipelinesAt(scope.sha)) ?? [])
    .filter((p) => p.id !== scope.pipelineId)
    .slice(0, MAX_COMMIT_PIPELINES);
  for (const pipeline of others) {
    for (const job of (await scope.history.pipelineJobs(pipeline.id)) ?? []) {
      if (job.status === 'success') passes.set(baseJobName(job.name), (passes.get(baseJobName(job.name)) ?? 0) + 1);
    }
  }
  return passes;
}

/** What one analysis's jobs share for their facts. */
export type TSharedFacts = {
  scope: TVerdictScope;
  compared: TComparedState;
  commitPasses: Map<string, number>;
  extraSecrets: readonly string[];
  now: Date;
};

/**
 * Everything the verdict on one failed job is decided from (TJobFacts): the excerpt's facts, the
 * compared run, the baseline diff, this fingerprint's history in our database (same commit,
 * other changes) and, on a merge request, whether the target branch fixed it since. Culprits come
 * later, only for a new failure on the default branch (see decide-verdicts.ts).
 */
export async function gatherJobFacts(
  deps: Pick<TPipelineDeps, 'db' | 'config'>,
  shared: TSharedFacts,
  job: TContextJob,
  excerpt: TExcerpt | undefined,
  identity: TFailureIdentity,
): Promise<TJobFacts> {
  const { scope } = shared;
  const lines = excerpt?.lines ?? [];
  const comparable = identity.basis !== 'none';
  const [compared, baselineDiff, sameCommitFailures, intermittentChanges, fixedOnTarget] = await Promise.all([
    comparedRunFor(deps, scope, shared.compared, { name: job.name, fingerprint: identity.fingerprint }, shared.extraSecrets),
    job.baseline && excerpt ? diffAgainstBaseline(lines, job.baseline.log.text) : undefined,
    comparable && scope.sha !== null
      ? countSameCommitFailures(deps.db, { fingerprint: identity.fingerprint, sha: scope.sha, exceptJobId: job.id })
      : 0,
    comparable
      ? countIntermittentChanges(deps.db, {
          fingerprint: identity.fingerprint,
          ref: scope.ref,
          mergeRequestIid: scope.mergeRequestIid,
          since: new Date(shared.now.getTime() - INTERMITTENT_WINDOW_MS),
        })
      : 0,
    comparable ? fixedOnTargetOf(deps, scope, identity.fingerprint) : undefined,
  ]);
  return {
    job: { jobId: job.id, name: job.name, sha: scope.sha ?? '', pipelineId: scope.pipelineId, failureReason: job.failure_reason },
    identity: { fingerprint: identity.fingerprint, basis: identity.basis },
    excerpt: readExcerptFacts(lines),
    branch: { onDefaultBranch: scope.onDefaultBranch, targetBranch: scope.targetBranch ?? 'the default branch' },
    ...(compared === undefined ? {} : { compared }),
    ...(baselineDiff === undefined ? {} : { baselineDiff }),
    history: {
      sameCommit: { failures: sameCommitFailures, passes: shared.commitPasses.get(baseJobName(job.name)) ?? 0 },
      intermittentChanges,
    },
    ...(fixedOnTarget === undefined ? {} : { fixedOnTarget }),
  };
}

/**
 * A merge request failing with an incident that a default-branch pipeline fixed since, while its
 * commit does not contain the fixing commit (GitLab's compare says so): "fixed on main; rebase".
 * Contained, the fix did not hold for this change, which is no "fixed" at all.
 */
async function fixedOnTargetOf(
  deps: Pick<TPipelineDeps, 'db'>,
  scope: TVerdictScope,
  fingerprint: string,
): Promise<TPipelineRef | undefined> {
  if (
    scope.onDefaultBranch ||
    scope.targetBranch === null ||
    scope.targetBranch !== scope.defaultBranch ||
    scope.sha === null ||
    scope.history === undefined
  )
    return undefined;
  const incident = await findIncidentByFingerprint(deps.db, fingerprint);
  if (incident?.status !== 'fixed' || incident.fixedPipelineId === null || incident.fixedSha === null) return undefined;
  if ((await scope.history.contains(scope.sha, incident.fixedSha)) !== false) return undefined;
  return {
    pipelineId: incident.fixedPipelineId,
    sha: incident.fixedSha,
    ...(incident.fixedAt ? { finishedAt: incident.fixedAt.toISOString() } : {}),
  };
}
