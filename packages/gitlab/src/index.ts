export {
  type GitLabClient,
  createGitLabClient,
  resolveApiBase,
  encodeProject,
  type TGitLabClientOptions,
  type TGitLabRetryEvent,
  type TProjectKey,
  type TTrace,
} from './gitlab.client';
export { GitLabError, isGitLabError, GITLAB_ERROR_CODES, type TGitLabErrorCode } from './gitlab.errors';
export { computeRetryDelayMs, readServerDelayMs } from './retry-delay';
export { readBoundedText, type TBoundedText, type TBoundedTextLimits, type TReadStop } from './bounded-text';
export { parseCiConfig, extractJobDefinition, extractGlobalKeywords, junitReportPaths, baseJobName, type TCiConfig } from './ci-config';
export {
  pickFetchSettings,
  pickClientOptions,
  resolveFetchSettings,
  FETCH_DEFAULTS,
  type TFetchSettings,
  type TResolvedFetchSettings,
  type TGitLabEnv,
  type TGitLabClientEnv,
} from './gitlab.settings';
export { fetchPipelineContext } from './fetch/fetch-context';
export { createFetchState, isLogStep } from './fetch/step-runner';
export { toStoredStep, shrinkLogText, STORED_CUT_LOG_BYTES } from './fetch/stored-steps';
export { createFetchCache, FETCH_CACHE_TTL, type TFetchCache } from './fetch/fetch-cache';
export { contextFromTrigger } from './fetch/context-from-trigger';
export type * from './fetch/pipeline-context.types';
export type * from './gitlab.types';
export {
  ZGlProject,
  ZGlPipeline,
  ZGlJob,
  ZGlBridge,
  ZGlTestReport,
  ZGlCommit,
  ZGlMergeRequest,
  ZGlNote,
  ZGlCommitComment,
} from './gitlab.types';
export { ZGlCompare, ZGlDiff, type TGlCompare, type TGlDiff, type TPipelineScope } from './api/history.api';
export {
  createHistoryFetch,
  type THistoryFetch,
  type THistoryFetchOptions,
  type THistoryBudget,
  type THistoryCommit,
  type TJobRun,
  type TPipelineRun,
} from './fetch/fetch-history';
