export type {
  TComparedRun,
  TEvidence,
  TExcerptFacts,
  TInfraSignal,
  TJobFacts,
  TJobStatus,
  TPipelineRef,
  TUndeterminedReason,
  TVerdict,
  TVerdictKind,
} from './verdict.types';
export { VERDICT_KINDS } from './verdict.types';
export { decideVerdict, MIN_INTERMITTENT_CHANGES } from './decide-verdict';
export { PLATFORM_FAILURE_REASONS } from './infrastructure';
export { readExcerptFacts } from './excerpt-facts';
export { extractExcerptNames, type TExcerptNames } from './excerpt-names';
export { rankCulprits, type TCommit, type TCulpritMatch, type TMatchKind, type TRankedCulprit } from './culprits';
export { shortSha } from './headline';
export { toJobVerdict } from './stored-verdict';
