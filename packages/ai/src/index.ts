export { analyzePipeline, type TAnalyzeDeps, type TAnalysisOutcome } from './analyze-pipeline';
export {
  LOG_MISSING_REASONS,
  type TLogState,
  type TLogMissingReason,
  type TAnalysisInput,
  type TInputFailedJob,
  type TInputCommit,
  type TInputMergeRequest,
  type TTestFailure,
} from './analysis-input';
export { ZModelAnswer, buildAnswerJsonSchema, ANSWER_SCHEMA_NAME, type TModelAnswer } from './model-answer.schema';
export { parseAnswer, type TParsedAnswer } from './parse-answer';
export { buildResult } from './build-result';
export {
  resolveProviderChain,
  resolveProviderLimits,
  describeMissingSettings,
  AI_PROVIDER_NAMES,
  type TAiSettings,
  type TProviderName,
  type TProviderLimits,
} from './settings';
export { MODEL_PRICES, computeCostUsd, findModelPrice, parsePriceOverrides, type TModelPrice } from './pricing';
export { estimateTokens, fitExcerpt, truncateText } from './token-budget';
export { AnalysisFailedError, ProviderError, PROVIDER_FAILURE_REASONS, type TProviderAttempt, type TProviderFailureReason } from './errors';
export {
  computePipelineFingerprint,
  retargetCachedResult,
  isFingerprintReliable,
  type TCachedResult,
  type TResultCache,
} from './fingerprint-cache';
export { analyzeOffline } from './offline-analysis';
export { createProvider, createProviderPool } from './providers/create-provider';
export { limitConcurrency } from './providers/limit-concurrency';
export type { TProvider, TCompletion, TCompletionRequest, TClientOptions } from './providers/provider.types';
export { buildAnalysisPrompt, type TBuiltPrompt, type TPromptOptions, type TRuleHint } from './prompts/prompt-loader';
export { buildBaseSystemPrompt } from './prompts/base-system.prompt';
export { ERROR_TEMPLATES, TEMPLATE_KINDS, selectTemplateKind, renderTemplates, type TTemplateKind } from './prompts/error-templates';
export * from './prompts/context-builders';
export { fenceUntrusted, createFenceNonce } from './prompts/fence';
export { PROMPT_VERSION } from './prompts/prompt-version';
