import type { TAnalysisResult, TCategory, TExcerptLine } from '@cia/contracts';
import { classify, createSecretMasker, type TRuleMatch } from '@cia/log-intel';
import type { TAnalysisInput } from './analysis-input.schema';
import { buildResult } from './build-result';
import { AnalysisFailedError, ProviderError, toProviderError, type TProviderAttempt } from './errors';
import { groupFailedJobs } from './failure-groups';
import { computePipelineFingerprint, isFingerprintReliable, retargetCachedResult, type TResultCache } from './fingerprint-cache';
import { ANSWER_SCHEMA_NAME, buildAnswerJsonSchema, type TModelAnswer } from './model-answer.schema';
import { parseAnswer } from './parse-answer';
import { computeCostUsd, parsePriceOverrides } from './pricing';
import { buildAnalysisPrompt, type TRuleHint } from './prompts/prompt-loader';
import { PROMPT_VERSION } from './prompts/prompt-version';
import { createProvider } from './providers/create-provider';
import type { TClientOptions, TCompletion, TCompletionRequest, TProvider } from './providers/provider.types';
import { resolveProviderChain, type TAiSettings, type TProviderName } from './settings';
import { estimateTokens } from './token-budget';

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
/** Longest provider error message kept on an attempt; cut after masking, so no secret is cut in two. */
const MAX_ERROR_CHARS = 500;

/** The answer's JSON Schema never changes: converted from zod (costly) once per process, not per analysis. */
let answerSchema: { schema: Record<string, unknown>; tokens: number } | undefined;
function answerJsonSchema(): { schema: Record<string, unknown>; tokens: number } {
  if (!answerSchema) {
    const schema = buildAnswerJsonSchema();
    answerSchema = { schema, tokens: estimateTokens(JSON.stringify(schema)) };
  }
  return answerSchema;
}

/** The best few matches of each job: what the prompt and the offline analysis are told. */
function ruleHintsOf(input: TAnalysisInput, ruleMatches?: ReadonlyMap<number, readonly TRuleMatch[]>): TRuleHint[] {
  return input.failed_jobs.flatMap((job) => {
    const matches = ruleMatches ? (ruleMatches.get(job.id) ?? []) : classify(job.excerpt);
    return matches.slice(0, MAX_HINTS_PER_JOB).map((match) => ({ jobId: job.id, match }));
  });
}

type TProviderRun = { answer: TModelAnswer; completion: TCompletion; calls: number; inputTokens: number; outputTokens: number };

/** One provider: a call, and when its answer does not validate, one repair call; then a clear error. */
async function runProvider(provider: TProvider, request: TCompletionRequest, spent: { inputTokens: number; outputTokens: number; calls: number }): Promise<TProviderRun> {
  const call = async (req: TCompletionRequest) => {
    spent.calls += 1;
    try {
      const completion = await provider.complete(req);
      spent.inputTokens += completion.inputTokens;
      spent.outputTokens += completion.outputTokens;
      return completion;
    } catch (err) {
      const e = toProviderError(provider.name, err);
      spent.inputTokens += e.usage?.inputTokens ?? 0;
      spent.outputTokens += e.usage?.outputTokens ?? 0;
      throw e;
    }
  };
  const first = await call(request);
  const parsed = parseAnswer(first.text);
  if (parsed.ok) return { answer: parsed.answer, completion: first, ...spent };
  const second = await call({ ...request, repair: { previousAnswer: first.text, problem: parsed.problem } });
  const repaired = parseAnswer(second.text);
  if (repaired.ok) return { answer: repaired.answer, completion: second, ...spent };
  throw new ProviderError(provider.name, 'invalid_output', `answer still invalid after one repair: ${repaired.problem.slice(0, 400)}`);
}

/**
 * Analyses one failed pipeline: mask → rule matches (given, or classified here) → fingerprint cache → rules first → prompt within
 * budget → providers in order (validate, repair once, fall back) → cache the paid answer.
 * Throws AnalysisFailedError (code `ai_all_providers_failed`) when every provider failed.
 *
 * `input` is typed data built by the caller (the worker, the CLI), not parsed again here: in a busy
 * worker that cost 0.1–0.3 ms per analysis. A caller holding untrusted JSON parses it with
 * ZAnalysisInput first. What comes back from a provider is always validated (parseAnswer).
 */
export async function analyzePipeline(parsed: TAnalysisInput, deps: TAnalyzeDeps): Promise<TAnalysisOutcome> {
  const { settings } = deps;
  const now = deps.now ?? (() => new Date());
  // One masker per analysis (the exact values escaped once), and each distinct text masked once:
  // excerpt lines come back to the prompt builder, which masks what it is given again.
  const masker = createSecretMasker({ extraValues: deps.secretValues ?? [] });
  const masked = new Map<string, string>();
  const mask = (text: string) => {
    let out = masked.get(text);
    if (out === undefined) {
      out = masker(text);
      masked.set(text, out);
      // The prompt builder masks the masked lines again: that pass becomes a lookup.
      if (out !== text) masked.set(out, masker(out));
    }
    return out;
  };
  // Excerpts should arrive masked (given rule matches were made on them); masking again costs
  // little and keeps a missed secret out of fingerprints and the stored result as well as the prompt.
  const input: TAnalysisInput = {
    ...parsed,
    failed_jobs: parsed.failed_jobs.map((j) => ({ ...j, excerpt: j.excerpt.map((l) => ({ line: l.line, text: mask(l.text) })) })),
  };
  const maskedExcerpts = new Map<number, TExcerptLine[]>(input.failed_jobs.map((j) => [j.id, j.excerpt]));

  const hints = ruleHintsOf(input, deps.ruleMatches);
  const topByJob = new Map<number, TRuleHint>();
  for (const h of hints) if (!topByJob.has(h.jobId)) topByJob.set(h.jobId, h);
  const categoryOf = (jobId: number): TCategory | undefined => topByJob.get(jobId)?.match.category;
  const fp = computePipelineFingerprint(input, categoryOf);
  const cache = settings.AI_CACHE_TTL_HOURS > 0 && isFingerprintReliable(input) ? deps.cache : undefined;
  const zero = { inputTokens: 0, outputTokens: 0, costUsd: 0 };

  if (cache) {
    const cached = await cache.find(fp, settings.AI_CACHE_TTL_HOURS, now());
    if (cached) {
      return {
        result: retargetCachedResult(cached, input, maskedExcerpts),
        provider: 'cache',
        model: 'fingerprint-cache',
        promptVersion: null,
        usage: zero,
        cacheHit: true,
        rulesFirst: false,
        fingerprint: fp,
        attempts: [],
      };
    }
  }

  const { schema, tokens: schemaTokens } = answerJsonSchema();
  const baseRequest = (prompt: { system: string; user: string; excerpts: Map<number, TExcerptLine[]> }): TCompletionRequest => ({
    system: prompt.system,
    user: prompt.user,
    schema,
    schemaName: ANSWER_SCHEMA_NAME,
    maxOutputTokens: settings.AI_MAX_OUTPUT_TOKENS,
    input,
    ruleMatches: hints,
    excerpts: prompt.excerpts,
  });

  const confident =
    input.failed_jobs.length > 0 &&
    input.failed_jobs.every((j) => (topByJob.get(j.id)?.match.confidence ?? 0) >= settings.AI_RULES_MIN_CONFIDENCE);
  let chain = resolveProviderChain(settings);
  const rulesFirst = settings.AI_RULES_FIRST && confident && chain[0] !== 'offline';
  if (rulesFirst) chain = ['offline'];

  // Copies of one job that failed the same way are sent once; the answer is spread back over them.
  const groups = chain.some((p) => p !== 'offline') ? groupFailedJobs(input.failed_jobs, categoryOf) : undefined;
  const prompt = groups
    ? buildAnalysisPrompt(input, { maxInputTokens: settings.AI_MAX_INPUT_TOKENS, schemaTokens, mask, ruleHints: hints, groups })
    : null;
  const prices = parsePriceOverrides(settings.AI_PRICES);
  const attempts: TProviderAttempt[] = [];

  for (const name of chain) {
    const started = Date.now();
    const spent = { inputTokens: 0, outputTokens: 0, calls: 0 };
    let provider: TProvider | undefined;
    let success: { result: TAnalysisResult; model: string; kind: 'ai' | 'rules' } | undefined;
    try {
      provider = deps.providers?.[name] ?? createProvider(name, settings, deps.clientOptions);
      const excerpts = name === 'offline' || !prompt ? maskedExcerpts : prompt.excerpts;
      const request = baseRequest({ system: prompt?.system ?? '', user: prompt?.user ?? '', excerpts });
      const run = await runProvider(provider, request, spent);
      const model = run.completion.model;
      const source = run.completion.source ?? { kind: 'ai' as const, detail: `${name} ${model}, prompt ${PROMPT_VERSION}` };
      success = { result: buildResult(input, run.answer, { excerpts, fingerprint: fp, source, groups: name === 'offline' ? undefined : groups }), model, kind: source.kind };
    } catch (err) {
      const e = toProviderError(name, err);
      // The egress masking point of provider errors: a provider (or a proxy before it) may echo the
      // key it was sent, and the attempts end up in logs, in analyses.error and in BullMQ's failedReason.
      const error = masker(e.message).slice(0, MAX_ERROR_CHARS);
      attempts.push({ provider: name, model: provider?.model ?? '', ok: false, calls: spent.calls, reason: e.reason, error, ...pick(spent), durationMs: Date.now() - started });
      continue;
    }
    attempts.push({ provider: name, model: success.model, ok: true, calls: spent.calls, ...pick(spent), durationMs: Date.now() - started });
    // Saved before returning, so a retried job finds it instead of paying again.
    if (cache && success.kind === 'ai') {
      await cache.store({ fingerprint: fp, result: success.result, analysisId: deps.analysisId ?? null }, now());
    }
    const costUsd = attempts.reduce((c, a) => c + computeCostUsd(a.model, a.inputTokens, a.outputTokens, prices), 0);
    return {
      result: success.result,
      provider: name,
      model: success.model,
      promptVersion: success.kind === 'ai' ? PROMPT_VERSION : null,
      usage: { inputTokens: sum(attempts, 'inputTokens'), outputTokens: sum(attempts, 'outputTokens'), costUsd: Math.round(costUsd * 1e8) / 1e8 },
      cacheHit: false,
      rulesFirst,
      fingerprint: fp,
      attempts,
    };
  }
  throw new AnalysisFailedError(attempts);
}

function pick(spent: { inputTokens: number; outputTokens: number }) {
  return { inputTokens: spent.inputTokens, outputTokens: spent.outputTokens };
}

function sum(attempts: TProviderAttempt[], key: 'inputTokens' | 'outputTokens'): number {
  return attempts.reduce((n, a) => n + a[key], 0);
}
