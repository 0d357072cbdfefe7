import type { TProviderName } from './settings';

export const PROVIDER_FAILURE_REASONS = [
  'not_configured',
  'timeout',
  'rate_limited',
  'server_error',
  'auth',
  'bad_request',
  'connection',
  'invalid_output',
  'unknown',
] as const;
export type TProviderFailureReason = (typeof PROVIDER_FAILURE_REASONS)[number];

/**
 * One provider call that did not give a usable answer, with a reason a person can act on. The
 * message is the SDK's, whole: it may echo the key that was sent, so it is masked (and then cut
 * short) before it is logged or stored, which analyzePipeline does for every attempt.
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: TProviderName,
    readonly reason: TProviderFailureReason,
    message: string,
    readonly status?: number,
    /** Tokens the failed call still used (an unusable answer is billed too). */
    readonly usage?: { inputTokens: number; outputTokens: number },
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export type TProviderAttempt = {
  provider: TProviderName;
  model: string;
  ok: boolean;
  /** Calls made to this provider (1, or 2 when the answer was repaired). */
  calls: number;
  reason?: TProviderFailureReason;
  error?: string;
  inputTokens: number;
  outputTokens: number;
  durationMs: number;
};

/** Every provider of the chain failed; `attempts` says which and why. Store `code` and `message` on the analysis. */
export class AnalysisFailedError extends Error {
  readonly code = 'ai_all_providers_failed';
  constructor(readonly attempts: TProviderAttempt[]) {
    super(
      `AI analysis failed: every provider failed (${attempts
        .map((a) => `${a.provider}${a.model ? ` ${a.model}` : ''}: ${a.reason ?? 'unknown'}${a.error ? ` - ${a.error}` : ''}`)
        .join('; ')})`,
    );
    this.name = 'AnalysisFailedError';
  }
}

type TSdkError = { status?: unknown; name?: unknown; message?: unknown; constructor?: { name?: unknown } };

/**
 * Maps an error thrown by the OpenAI or Anthropic SDK (both share one error hierarchy shape) to a
 * reason. Read by name and status, so one mapping serves both SDKs without importing their classes.
 */
export function toProviderError(provider: TProviderName, err: unknown, timing?: { elapsedMs: number; timeoutMs: number }): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as TSdkError;
  const name = String(e.constructor?.name ?? e.name ?? '');
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = String(e.message ?? err);
  let reason: TProviderFailureReason = 'unknown';
  if (name.includes('Timeout')) reason = 'timeout';
  else if (name.includes('Connection')) reason = 'connection';
  else if (status === 429) reason = 'rate_limited';
  else if (status === 401 || status === 403) reason = 'auth';
  else if (status !== undefined && status >= 500) reason = 'server_error';
  else if (status !== undefined && status >= 400) reason = 'bad_request';
  // Some fetch implementations (and test runners' realms) hide the abort behind a generic
  // connection error; a connection that failed only once the timeout had passed timed out.
  if (reason === 'connection' && timing && timing.elapsedMs >= timing.timeoutMs) reason = 'timeout';
  return new ProviderError(provider, reason, message, status);
}
