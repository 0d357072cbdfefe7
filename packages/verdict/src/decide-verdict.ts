import { count, HEADLINES } from './headline';
import { findInfrastructure } from './infrastructure';
import type { TEvidence, TJobFacts, TUndeterminedReason, TVerdict } from './verdict.types';

/** Other changes on which the same failure came and went before "intermittent" means something. */
export const MIN_INTERMITTENT_CHANGES = 2;

type TRule = (facts: TJobFacts) => TVerdict | undefined;

/**
 * The verdict for one failed job: the first rule that holds, in this order (why, in short):
 *
 * 1. infrastructure: GitLab says the platform failed, or the log shows an outage, OOM kill or
 *    time limit without any test, compile or lint error: retrying is the fix, whatever else holds.
 * 2. flaky_confirmed: a retry of this very job passed: the only evidence for "safe to merge".
 * 3. fixed_on_target (merge requests): the target branch had this failure and has fixed it since.
 * 4. already_failing: the target branch's latest pipeline fails this job the same way.
 * 5. likely_flaky: this failure passed and failed on one commit, or came and went on other
 *    changes (that evidence is dropped once a retry failed). Before "caused by this change": the
 *    same failure elsewhere is not this change's.
 * 6. caused_by_change: the job passed on the target branch and the failure lines are new against
 *    that passing log.
 * 7. undetermined, with the reason: said as such rather than guessed.
 */
export function decideVerdict(facts: TJobFacts): TVerdict {
  for (const rule of [infrastructure, flakyConfirmed, fixedOnTarget, alreadyFailing, likelyFlaky, causedByChange]) {
    const verdict = rule(facts);
    if (verdict !== undefined) return verdict;
  }
  return undetermined(facts);
}

const retryEvidence = (facts: TJobFacts): TEvidence[] =>
  facts.retry === undefined ? [] : [{ kind: 'retry', jobId: facts.retry.jobId, status: facts.retry.status }];

const comparedEvidence = (facts: TJobFacts): TEvidence[] => {
  const c = facts.compared;
  if (c === undefined) return [];
  const sameFailure = c.job?.status === 'failed' && c.job.fingerprint === facts.identity.fingerprint;
  return [{ kind: 'compared_run', pipeline: c, jobStatus: c.job?.status ?? 'absent', sameFailure }];
};

const verdict = (
  v: Omit<TVerdict, 'safeToMerge' | 'retryAdvised'> & Partial<Pick<TVerdict, 'safeToMerge' | 'retryAdvised'>>,
): TVerdict => ({
  safeToMerge: false,
  retryAdvised: false,
  ...v,
});

const infrastructure: TRule = (facts) => {
  const found = findInfrastructure(facts);
  if (found === undefined) return undefined;
  const retry = facts.retry?.status;
  return verdict({
    kind: 'infrastructure',
    headline: HEADLINES.infrastructure(found.label, retry),
    evidence: [...found.evidence, ...retryEvidence(facts)],
    safeToMerge: retry === 'passed',
    retryAdvised: retry === undefined,
  });
};

const flakyConfirmed: TRule = (facts) => {
  if (facts.retry?.status !== 'passed') return undefined;
  return verdict({ kind: 'flaky_confirmed', headline: HEADLINES.flakyConfirmed(), evidence: retryEvidence(facts), safeToMerge: true });
};

/** A log-less failure shares its fingerprint with every other log-less failure of the job: no match. */
const comparable = (facts: TJobFacts): boolean => facts.identity.basis !== 'none';

const fixedOnTarget: TRule = (facts) => {
  const fix = facts.fixedOnTarget;
  if (fix === undefined || facts.branch.onDefaultBranch || !comparable(facts)) return undefined;
  return verdict({
    kind: 'fixed_on_target',
    headline: HEADLINES.fixedOnTarget(facts.branch.targetBranch, fix),
    evidence: [{ kind: 'fixed_on_target', pipeline: fix }, ...comparedEvidence(facts)],
  });
};

const alreadyFailing: TRule = (facts) => {
  const c = facts.compared;
  if (c?.job?.status !== 'failed' || c.job.fingerprint !== facts.identity.fingerprint || !comparable(facts)) return undefined;
  const since = c.failingSince ?? c;
  const { targetBranch, onDefaultBranch } = facts.branch;
  return verdict({
    kind: 'already_failing',
    headline: onDefaultBranch ? HEADLINES.stillFailing(targetBranch, since) : HEADLINES.alreadyFailing(targetBranch, since),
    evidence: [...comparedEvidence(facts), { kind: 'failing_since', pipeline: since }],
  });
};

const likelyFlaky: TRule = (facts) => {
  const { sameCommit, intermittentChanges } = facts.history;
  const retry = facts.retry?.status === 'failed' || facts.retry?.status === 'pending' ? facts.retry.status : undefined;
  const flakedOnCommit = sameCommit.failures > 0 && sameCommit.passes > 0;
  const cameAndWent = intermittentChanges >= MIN_INTERMITTENT_CHANGES && retry !== 'failed';
  if (!flakedOnCommit && !cameAndWent) return undefined;
  const why = flakedOnCommit
    ? `failed and passed on this commit (${count(sameCommit.failures + 1, 'failure', 'failures')}, ${count(sameCommit.passes, 'pass', 'passes')})`
    : `the same failure came and went on ${intermittentChanges} other changes`;
  const evidence: TEvidence[] = flakedOnCommit
    ? [{ kind: 'same_commit', ...sameCommit }]
    : [{ kind: 'intermittent', changes: intermittentChanges }];
  return verdict({
    kind: 'likely_flaky',
    headline: HEADLINES.likelyFlaky(why, retry),
    evidence: [...evidence, ...comparedEvidence(facts), ...retryEvidence(facts)],
    retryAdvised: facts.retry === undefined,
  });
};

const causedByChange: TRule = (facts) => {
  const c = facts.compared;
  const diff = facts.baselineDiff;
  if (c?.job?.status !== 'success' || diff === undefined || diff.newFailureLines === 0) return undefined;
  const { targetBranch, onDefaultBranch } = facts.branch;
  const evidence: TEvidence[] = [...comparedEvidence(facts), { kind: 'baseline_diff', ...diff }];
  if (!onDefaultBranch) return verdict({ kind: 'caused_by_change', headline: HEADLINES.causedByChange(), evidence });
  const culprits = facts.culprits ?? [];
  return verdict({
    kind: 'caused_by_change',
    headline: HEADLINES.newOnDefault(targetBranch, c, facts.culprits),
    evidence: [...evidence, { kind: 'culprits', candidates: culprits.length }],
    culprits,
  });
};

function undetermined(facts: TJobFacts): TVerdict {
  const reason = undeterminedReason(facts);
  const c = facts.compared;
  return verdict({
    kind: 'undetermined',
    reason,
    headline: HEADLINES.undetermined(reason, facts.branch.targetBranch, c, c?.job?.status),
    evidence: [...comparedEvidence(facts), ...retryEvidence(facts)],
  });
}

function undeterminedReason(facts: TJobFacts): TUndeterminedReason {
  const c = facts.compared;
  if (c === undefined) return 'no_compared_run';
  if (c.job === undefined) return 'job_not_in_compared_run';
  if (!comparable(facts)) return 'no_log';
  if (c.job.status === 'failed') return 'compared_run_fails_differently';
  if (c.job.status !== 'success') return 'compared_job_not_finished';
  return facts.baselineDiff === undefined ? 'no_baseline_comparison' : 'failure_lines_not_new';
}
