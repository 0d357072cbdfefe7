import type { TMaskedLine, TMaskedText } from '@cia/contracts';
import type { TAnalysisInput } from '../analysis-input';
import type { TRuleHint } from '../prompts/prompt-loader';
import type { TProviderName } from '../settings';
import type { TSdkProxy } from './sdk-proxy';

export type TCompletionRequest = {
  /** Our own instructions: no data of the pipeline in it. */
  system: string;
  /** The pipeline's data: masked (the egress boundary of the prompt), so no path can send it unmasked. */
  user: TMaskedText;
  /** JSON Schema of the answer, for structured outputs or tool input. */
  schema: Record<string, unknown>;
  schemaName: string;
  maxOutputTokens: number;
  /** Set on the one repair call: what the previous answer was and what was wrong with it. */
  repair?: { previousAnswer: string; problem: string };
  /** What a provider without a model (offline) works from instead of the prompt. */
  input: TAnalysisInput;
  ruleMatches: TRuleHint[];
  excerpts: Map<number, TMaskedLine[]>;
};

export type TCompletion = {
  /** The answer as text (JSON expected). */
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** The model that answered, as the provider reports it. */
  model: string;
  /** How the answer was produced, when it was not a model call (offline rules). */
  source?: { kind: 'rules'; detail: string };
};

/** One way to get an analysis answer. AI providers call a model; offline reads the rule matches. */
export type TProvider = {
  name: TProviderName;
  model: string;
  complete(request: TCompletionRequest): Promise<TCompletion>;
};

/** SDK options every provider client gets. */
export type TClientOptions = {
  timeoutMs: number;
  maxRetries: number;
  /** Set when HTTP_PROXY or HTTPS_PROXY is: the SDK's requests then go through it. */
  proxy?: TSdkProxy;
};
