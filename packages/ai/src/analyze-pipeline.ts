import type { TAnalysisResult, TCategory } from '@cia/contracts';
import { classify, maskerFor, type TRuleMatch } from '@cia/log-intel';
import type { TAnalysisInput } from './analysis-input';
import { AnalysisFailedError, type TProviderAttempt } from './errors';
import { groupFailedJobs } from './failure-groups';
import { computePipelineFingerprint, isFingerprintReliable, retargetCachedResult, type TResultCache } from './fingerprint-cache';
import { computeCostUsd, parsePriceOverrides } from './pricing';
import { answerJsonSchema, runProviderChain } from './provider-chain';
import { buildAnalysisPrompt, type TRuleHint } from './prompts/prompt-loader';
import { PROMPT_VERSION } from './prompts/prompt-version';
import type { TClientOptions, TProvider } from './providers/provider.types';
import { resolveProviderChain, type TAiSettings, type TProviderName } from './settings';

export type TAnalyzeDeps = {
  settings: TAiSettings;
  /** Enables the fingerprint cache (lookup before, store right after a paid answer). */
  cache?: TResultCache;
  /** The analyses row, recorded with the cache entry. */
  analysisId?: number;
  /** Exact values to mask wherever they appear (masked CI variables, tokens). */
  secretValues?: readonly string[];
  /** Prebuilt providers, to reuse SDK clients across analyses; missing ones are built from settings. */
  providers?: Partial<Record<TProviderName, TProvider>>;
  /** Overrides AI_TIMEOUT_MS / AI_MAX_RETRIES for the SDK clients built here. */
  clientOptions?: Partial<TClientOptions>;
  now?: () => Date;
  /**
   * The classify step's knowledge-base matches of each failed job (by job id), made on its masked
   * excerpt: the worker's pipeline and the CLI classify before they analyze. Without them the
   * excerpts are matched here against the built-in rules.
   */
  ruleMatches?: ReadonlyMap<number, readonly TRuleMatch[]>;
};

export type TAnalysisOutcome = {
  result: TAnalysisResult;
  /** Who produced the result: a provider, or `cache` for a reused one. */
  provider: TProviderName | 'cache';
  model: string;
  /** The prompt version a model saw; null when no model was asked (rules, cache). */
  promptVersion: string | null;
  usage: { inputTokens: number; outputTokens: number; costUsd: number };
  cacheHit: boolean;
  /** True when a confident rule match made the AI call unnecessary (AI_RULES_FIRST). */
  rulesFirst: boolean;
  fingerprint: string;
  /** Every provider tried, in order, with why it failed. */
  attempts: TProviderAttempt[];
};

const MAX_HINTS_PER_JOB = 3;

/** The best few matches of each job: what the prompt and the offline analysis are told. */
function ruleHintsOf(input: TAnalysisInput, ruleMatches?: ReadonlyMap<number, readonly TRuleMatch[]>): TRuleHint[] {
  return input.failed_jobs.flatMap((job) => {
    const matches = ruleMatches ? (ruleMatches.get(job.id) ?? []) : classify(job.excerpt);
    return matches.slice(0, MAX_HINTS_PER_JOB).map((match) => ({ jobId: job.id, match }));
  });
}

/** Each job's strongest hint (the first: hints come best first). */
function topHintByJob(hints: TRuleHint[]): Map<number, TRuleHint> {
  const top = new Map<number, TRuleHint>();
  for (const h of hints) if (!top.has(h.jobId)) top.set(h.jobId, h);
  return top;
}

/** The providers to ask, in order: only the rules when AI_RULES_FIRST and every job has a confident match. */
function providerPlan(
  input: TAnalysisInput,
  settings: TAiSettings,
  top: Map<number, TRuleHint>,
): { chain: TProviderName[]; rulesFirst: boolean } {
  const chain = resolveProviderChain(settings);
  const confident =
    input.failed_jobs.length > 0 &&
    input.failed_jobs.every((j) => (top.get(j.id)?.match.confidence ?? 0) >= settings.AI_RULES_MIN_CONFIDENCE);
  const rulesFirst = settings.AI_RULES_FIRST && confident && chain[0] !== 'offline';
  return { chain: rulesFirst ? ['offline'] : chain, rulesFirst };
}

function cachedOutcome(result: TAnalysisResult, fingerprint: string): TAnalysisOutcome {
  const usage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  return {
    result,
    provider: 'cache',
    model: 'fingerprint-cache',
    promptVersion: null,
    usage,
    cacheHit: true,
    rulesFirst: false,
    fingerprint,
    attempts: [],
  };
}

function usageOf(attempts: TProviderAttempt[], prices: ReturnType<typeof parsePriceOverrides>): TAnalysisOutcome['usage'] {
  const costUsd = attempts.reduce((c, a) => c + computeCostUsd(a.model, a.inputTokens, a.outputTokens, prices), 0);
  return {
    inputTokens: sum(attempts, 'inputTokens'),
    outputTokens: sum(attempts, 'outputTokens'),
    costUsd: Math.round(costUsd * 1e8) / 1e8,
  };
}

/**
 * Analyses one failed pipeline: rule matches (given, or classified here) → fingerprint cache →
 * rules first → prompt within budget → providers in order (validate, repair once, fall back) →
 * cache the paid answer. Throws AnalysisFailedError (code `ai_all_providers_failed`) when every
 * provider failed.
 *
 * `input` is typed data built by the caller (the worker, the CLI); its excerpt lines are masked
 * (TMaskedLine), so they are used as they are: in the fingerprint, the offline analysis, the
 * stored result. The prompt is masked on its way out (buildAnalysisPrompt), and so are provider
 * errors. What comes back from a provider is always validated (parseAnswer).
 */
export async function analyzePipeline(input: TAnalysisInput, deps: TAnalyzeDeps): Promise<TAnalysisOutcome> {
  const { settings } = deps;
  const now = deps.now ?? (() => new Date());
  const mask = maskerFor(deps.secretValues);
  const excerpts = new Map(input.failed_jobs.map((j) => [j.id, j.excerpt]));
  const hints = ruleHintsOf(input, deps.ruleMatches);
  const top = topHintByJob(hints);
  const categoryOf = (jobId: number): TCategory | undefined => top.get(jobId)?.match.category;
  const fingerprint = computePipelineFingerprint(input, categoryOf);
  const cache = settings.AI_CACHE_TTL_HOURS > 0 && isFingerprintReliable(input) ? deps.cache : undefined;
  const cached = await cache?.find(fingerprint, settings.AI_CACHE_TTL_HOURS, now());
  if (cached) return cachedOutcome(retargetCachedResult(cached, input, excerpts), fingerprint);

  const { chain, rulesFirst } = providerPlan(input, settings, top);
  // Copies of one job that failed the same way are sent once; the answer is spread back over them.
  const groups = chain.some((p) => p !== 'offline') ? groupFailedJobs(input.failed_jobs, categoryOf) : undefined;
  const prompt = groups
    ? buildAnalysisPrompt(input, {
        maxInputTokens: settings.AI_MAX_INPUT_TOKENS,
        schemaTokens: answerJsonSchema().tokens,
        mask,
        ruleHints: hints,
        groups,
      })
    : null;
  const request = {
    input,
    settings,
    hints,
    prompt,
    groups,
    excerpts,
    fingerprint,
    mask,
    providers: deps.providers,
    clientOptions: deps.clientOptions,
  };
  const { success, attempts } = await runProviderChain(request, chain);
  if (!success) throw new AnalysisFailedError(attempts);
  // Saved before returning, so a retried job finds it instead of paying again.
  if (cache && success.kind === 'ai')
    await cache.store({ fingerprint, result: success.result, analysisId: deps.analysisId ?? null }, now());
  return {
    result: success.result,
    provider: success.name,
    model: success.model,
    promptVersion: success.kind === 'ai' ? PROMPT_VERSION : null,
    usage: usageOf(attempts, parsePriceOverrides(settings.AI_PRICES)),
    cacheHit: false,
    rulesFirst,
    fingerprint,
    attempts,
  };
}

function sum(attempts: TProviderAttempt[], key: 'inputTokens' | 'outputTokens'): number {
  return attempts.reduce((n, a) => n + a[key], 0);
}
