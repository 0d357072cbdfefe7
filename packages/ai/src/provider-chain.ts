import type { TAnalysisResult, TMaskedLine, TMasker } from '@cia/contracts';
import type { TAnalysisInput } from './analysis-input';
import { buildResult } from './build-result';
import { ProviderError, toProviderError, type TProviderAttempt } from './errors';
import type { TFailureGroup } from './failure-groups';
import { ANSWER_SCHEMA_NAME, buildAnswerJsonSchema, type TModelAnswer } from './model-answer.schema';
import { parseAnswer } from './parse-answer';
import type { TBuiltPrompt, TRuleHint } from './prompts/prompt-loader';
import { PROMPT_VERSION } from './prompts/prompt-version';
import { createProvider } from './providers/create-provider';
import type { TClientOptions, TCompletion, TCompletionRequest, TProvider } from './providers/provider.types';
import type { TAiSettings, TProviderName } from './settings';
import { estimateTokens } from './token-budget';

/** Longest provider error message kept on an attempt; cut after masking, so no secret is cut in two. */
const MAX_ERROR_CHARS = 500;

/** The answer's JSON Schema never changes: converted from zod (costly) once per process, not per analysis. */
let answerSchema: { schema: Record<string, unknown>; tokens: number } | undefined;
export function answerJsonSchema(): { schema: Record<string, unknown>; tokens: number } {
  if (!answerSchema) {
    const schema = buildAnswerJsonSchema();
    answerSchema = { schema, tokens: estimateTokens(JSON.stringify(schema)) };
  }
  return answerSchema;
}

type TSpent = { inputTokens: number; outputTokens: number; calls: number };
type TProviderRun = { answer: TModelAnswer; completion: TCompletion };

/** One provider: a call, and when its answer does not validate, one repair call; then a clear error. */
async function runProvider(provider: TProvider, request: TCompletionRequest, spent: TSpent): Promise<TProviderRun> {
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
  if (parsed.ok) return { answer: parsed.answer, completion: first };
  const second = await call({ ...request, repair: { previousAnswer: first.text, problem: parsed.problem } });
  const repaired = parseAnswer(second.text);
  if (repaired.ok) return { answer: repaired.answer, completion: second };
  throw new ProviderError(provider.name, 'invalid_output', `answer still invalid after one repair: ${repaired.problem.slice(0, 400)}`);
}

/** What the providers of one analysis are asked with. */
export type TChainRequest = {
  input: TAnalysisInput;
  settings: TAiSettings;
  hints: TRuleHint[];
  /** Null when only the offline provider runs (it reads the excerpts, not a prompt). */
  prompt: TBuiltPrompt | null;
  groups: TFailureGroup[] | undefined;
  /** Each job's masked excerpt, as it arrived. */
  excerpts: Map<number, TMaskedLine[]>;
  fingerprint: string;
  /** Masks provider errors, which may echo the key a provider (or a proxy before it) was sent. */
  mask: TMasker;
  providers?: Partial<Record<TProviderName, TProvider>>;
  clientOptions?: Partial<TClientOptions>;
};

export type TChainSuccess = { name: TProviderName; result: TAnalysisResult; model: string; kind: 'ai' | 'rules' };

/** One provider of the chain, with the attempt it makes recorded; undefined when it failed. */
async function tryProvider(req: TChainRequest, name: TProviderName, attempts: TProviderAttempt[]): Promise<TChainSuccess | undefined> {
  const started = Date.now();
  const spent: TSpent = { inputTokens: 0, outputTokens: 0, calls: 0 };
  let provider: TProvider | undefined;
  try {
    provider = req.providers?.[name] ?? createProvider(name, req.settings, req.clientOptions);
    const { prompt } = req;
    const excerpts = name === 'offline' || !prompt ? req.excerpts : prompt.excerpts;
    const { schema } = answerJsonSchema();
    const request: TCompletionRequest = {
      system: prompt?.system ?? '',
      user: prompt?.user ?? req.mask(''),
      schema,
      schemaName: ANSWER_SCHEMA_NAME,
      maxOutputTokens: req.settings.AI_MAX_OUTPUT_TOKENS,
      input: req.input,
      ruleMatches: req.hints,
      excerpts,
    };
    const { answer, completion } = await runProvider(provider, request, spent);
    const source = completion.source ?? { kind: 'ai' as const, detail: `${name} ${completion.model}, prompt ${PROMPT_VERSION}` };
    const groups = name === 'offline' ? undefined : req.groups;
    const result = buildResult(req.input, answer, { excerpts, fingerprint: req.fingerprint, source, groups });
    attempts.push({
      provider: name,
      model: completion.model,
      ok: true,
      calls: spent.calls,
      ...tokens(spent),
      durationMs: Date.now() - started,
    });
    return { name, result, model: completion.model, kind: source.kind };
  } catch (err) {
    const e = toProviderError(name, err);
    // The egress masking point of provider errors: the attempts end up in logs, in analyses.error
    // and in BullMQ's failedReason.
    const error = req.mask(e.message).slice(0, MAX_ERROR_CHARS);
    attempts.push({
      provider: name,
      model: provider?.model ?? '',
      ok: false,
      calls: spent.calls,
      reason: e.reason,
      error,
      ...tokens(spent),
      durationMs: Date.now() - started,
    });
    return undefined;
  }
}

/** The providers in order until one gives a valid answer; every attempt is recorded, failed ones with why. */
export async function runProviderChain(
  req: TChainRequest,
  chain: readonly TProviderName[],
): Promise<{ success?: TChainSuccess; attempts: TProviderAttempt[] }> {
  const attempts: TProviderAttempt[] = [];
  for (const name of chain) {
    const success = await tryProvider(req, name, attempts);
    if (success) return { success, attempts };
  }
  return { attempts };
}

function tokens(spent: TSpent) {
  return { inputTokens: spent.inputTokens, outputTokens: spent.outputTokens };
}
