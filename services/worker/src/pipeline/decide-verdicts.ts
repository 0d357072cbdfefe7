import { secretValuesOf } from '@cia/config';
import { baseJobName } from '@cia/contracts';
import type { TAnalysisRow, TOccurrenceInput } from '@cia/db';
import type { TContextJob, THistoryBudget, TPipelineContext } from '@cia/gitlab';
import { identifyFailure, type TExcerpt, type TFailureIdentity, type TRuleMatch } from '@cia/log-intel';
import { decideVerdict, extractExcerptNames, rankCulprits, toJobVerdict, type TJobFacts, type TVerdict } from '@cia/verdict';
import { findComparedState } from './compared-run';
import { gatherJobFacts, passesOnCommit, type TSharedFacts } from './job-facts';
import type { TPipelineDeps } from './pipeline-deps';
import { verdictScopeOf, type TVerdictScope } from './verdict-scope';

/** Commits (the newest) whose changed files are asked for, to rank culprits of a new failure on the default branch. */
const MAX_CULPRIT_DIFFS = 3;
/** Longest incident title: the line that names the failure. */
const MAX_TITLE = 200;

/** One failed job's occurrence with its verdict (the analysis id is added when stored). */
export type TJobVerdictRecord = Omit<TOccurrenceInput, 'analysisId'>;
/** The verdicts of one analysis and the GitLab requests they cost. */
export type TDecidedVerdicts = { records: TJobVerdictRecord[]; budget?: THistoryBudget };

/**
 * The verdict step: for each failed job of the project, the facts (our history first, GitLab
 * within the request budget), the verdict (decideVerdict of @cia/verdict) and the occurrence to
 * store with the analysis. Verdicts add to an analysis and never fail it: an error leaves it
 * without them.
 */
export async function decideVerdicts(
  deps: TPipelineDeps,
  row: TAnalysisRow,
  ctx: TPipelineContext,
  excerpts: Map<number, TExcerpt>,
  ruleMatches: Map<number, TRuleMatch[]>,
): Promise<TDecidedVerdicts> {
  const scope = verdictScopeOf(deps, row, ctx);
  try {
    const shared: TSharedFacts = {
      scope,
      compared: await findComparedState(deps, scope),
      commitPasses: await passesOnCommit(scope),
      extraSecrets: secretValuesOf(deps.config),
      now: new Date(),
    };
    const records: TJobVerdictRecord[] = [];
    for (const job of ctx.failed_jobs.filter((j) => j.project_id === scope.projectId)) {
      const excerpt = excerpts.get(job.id);
      const identity = identifyFailure({
        lines: excerpt?.lines ?? [],
        project: scope.projectId,
        jobName: job.name,
        failureReason: job.failure_reason,
      });
      const facts = await gatherJobFacts(deps, shared, job, excerpt, identity);
      const decided = await withCulprits(scope, facts, excerpt, decideVerdict(facts));
      records.push(recordOf(scope, job, identity, decided, ruleMatches.get(job.id)?.[0]?.category ?? null));
    }
    return { records, budget: scope.history?.budget };
  } catch (err) {
    deps.logger.warn('verdicts could not be decided', { err: (err as Error).message });
    return { records: [], budget: scope.history?.budget };
  }
}

/** A new failure on the default branch: the commits since the compared (green) run, ranked by what the excerpt names. */
async function withCulprits(
  scope: TVerdictScope,
  facts: TJobFacts,
  excerpt: TExcerpt | undefined,
  verdict: TVerdict,
): Promise<{ facts: TJobFacts; verdict: TVerdict }> {
  if (
    verdict.kind !== 'caused_by_change' ||
    !scope.onDefaultBranch ||
    facts.compared === undefined ||
    scope.sha === null ||
    scope.history === undefined
  )
    return { facts, verdict };
  const commits = await scope.history.commitsBetween(facts.compared.sha, scope.sha, MAX_CULPRIT_DIFFS);
  if (commits === undefined) return { facts, verdict };
  const withRanked = { ...facts, culprits: rankCulprits(commits, extractExcerptNames(excerpt?.lines ?? [])) };
  return { facts: withRanked, verdict: decideVerdict(withRanked) };
}

/** The line an incident is known by: a code error, else the platform signal, else an identity line. */
function titleOf(facts: TJobFacts, identity: TFailureIdentity, jobName: string): string {
  const line = facts.excerpt.codeErrors[0] ?? facts.excerpt.infraSignals[0]?.line ?? identity.lines[0] ?? `${jobName} failed`;
  return line.trim().slice(0, MAX_TITLE);
}

function recordOf(
  scope: TVerdictScope,
  job: TContextJob,
  identity: TFailureIdentity,
  decided: { facts: TJobFacts; verdict: TVerdict },
  category: string | null,
): TJobVerdictRecord {
  const { facts, verdict } = decided;
  const comparable = identity.basis !== 'none';
  return {
    projectId: scope.projectId,
    pipelineId: scope.pipelineId,
    jobId: job.id,
    jobName: job.name,
    ref: scope.ref,
    sha: scope.sha,
    mergeRequestIid: scope.mergeRequestIid,
    onDefaultBranch: scope.onDefaultBranch,
    targetBranch: scope.targetBranch,
    fingerprint: identity.fingerprint,
    verdict: toJobVerdict(verdict, { fingerprint: identity.fingerprint }),
    facts: facts as unknown as Record<string, unknown>,
    comparedPipelineId: facts.compared?.pipelineId ?? null,
    ...(comparable
      ? {
          incident: {
            fingerprint: identity.fingerprint,
            signature: identity.signature,
            projectId: scope.projectId,
            jobName: baseJobName(job.name),
            failureReason: job.failure_reason,
            category,
            title: titleOf(facts, identity, job.name),
            identityLines: identity.lines,
            defaultBranch: scope.defaultBranch,
          },
        }
      : {}),
  };
}
