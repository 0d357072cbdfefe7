import type { TUndeterminedReason, TVerdictKind } from '@cia/contracts';
import type { TIdentityBasis } from '@cia/log-intel';
import type { TRankedCulprit } from './culprits';

/** A pipeline named as evidence: which run, of which commit, when. */
export type TPipelineRef = { pipelineId: number; sha: string; finishedAt?: string; webUrl?: string };

/** GitLab's job statuses that matter here. */
export type TJobStatus = 'success' | 'failed' | 'canceled' | 'skipped' | 'manual' | 'running' | 'pending' | 'created';

/**
 * The pipeline a failed job is compared with: on a merge request, the latest finished pipeline of
 * its target branch; on the default branch, the previous finished pipeline of that branch.
 */
export type TComparedRun = TPipelineRef & {
  /** The job of the same (base) name in that pipeline; absent when the pipeline did not run it. */
  job?: { jobId: number; status: TJobStatus; fingerprint?: string };
  /** Where an unbroken run of failures with this job's fingerprint began on that branch. */
  failingSince?: TPipelineRef;
};

/** What the excerpt shows that points at the platform rather than the code. */
export type TInfraSignal = {
  kind: 'runner_system' | 'network' | 'registry' | 'out_of_memory' | 'timeout' | 'disk_full';
  /** The line that shows it. */
  line?: string;
  /** The host or registry that could not be reached, when the line names it. */
  host?: string;
};

/** What the wiring reads from the excerpt once (see readExcerptFacts). */
export type TExcerptFacts = {
  /** Test, compile and lint errors: any of them rules out "infrastructure". */
  codeErrors: string[];
  infraSignals: TInfraSignal[];
};

/** Everything the verdict is decided from, for one failed job. */
export type TJobFacts = {
  job: { jobId: number; name: string; sha: string; pipelineId: number; failureReason?: string | null };
  /** From identifyFailure (@cia/log-intel): the fingerprint includes project and job name. */
  identity: { fingerprint: string; basis: TIdentityBasis };
  excerpt: TExcerptFacts;
  /** `targetBranch`: the merge request's target, or the default branch itself. */
  branch: { onDefaultBranch: boolean; targetBranch: string };
  /** Absent when the branch has no finished pipeline to compare with. */
  compared?: TComparedRun;
  /** When the job passed in the compared run: how many of this run's failure lines its log lacks. */
  baselineDiff?: { newFailureLines: number; failureLines: number };
  history: {
    /** Other runs of this job on this very commit: failures with this fingerprint, passes. */
    sameCommit: { failures: number; passes: number };
    /** Other changes (merge requests, branches) where this fingerprint failed, then the job passed without a fix on the target branch. */
    intermittentChanges: number;
  };
  /** Merge requests: a target-branch pipeline, newer than the branch, that fixed this failure there. */
  fixedOnTarget?: TPipelineRef;
  /** A retry of this very job (same commit) asked for to verify a flaky suspicion. */
  retry?: { jobId: number; status: 'passed' | 'failed' | 'pending' };
  /** Default branch, new failure: the commits since the compared run, ranked (see rankCulprits). */
  culprits?: TRankedCulprit[];
};

// Kinds and reasons are stored and returned: their one definition is the contract.
export { VERDICT_KINDS, type TVerdictKind, type TUndeterminedReason } from '@cia/contracts';

export type TEvidence =
  | { kind: 'failure_reason'; reason: string }
  | { kind: 'infra_signal'; signal: TInfraSignal }
  | { kind: 'code_error'; line: string }
  | { kind: 'compared_run'; pipeline: TPipelineRef; jobStatus: TJobStatus | 'absent'; sameFailure: boolean }
  | { kind: 'failing_since'; pipeline: TPipelineRef }
  | { kind: 'baseline_diff'; newFailureLines: number; failureLines: number }
  | { kind: 'same_commit'; failures: number; passes: number }
  | { kind: 'intermittent'; changes: number }
  | { kind: 'retry'; jobId: number; status: 'passed' | 'failed' | 'pending' }
  | { kind: 'fixed_on_target'; pipeline: TPipelineRef }
  | { kind: 'culprits'; candidates: number };

export type TVerdict = {
  kind: TVerdictKind;
  /** The note's first line for this job. */
  headline: string;
  evidence: TEvidence[];
  /** Only ever true with a passing retry of this job as evidence. */
  safeToMerge: boolean;
  /** A retry would settle it (flaky suspicion, infrastructure); the wiring retries when the project opted in. */
  retryAdvised: boolean;
  reason?: TUndeterminedReason;
  culprits?: TRankedCulprit[];
};
