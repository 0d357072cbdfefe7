import { AI_PROVIDERS, type TAiProvider, type TConfig } from '@cia/config';

/** The settings this package reads; the worker passes its frozen config. */
export type TAiSettings = Pick<
  TConfig,
  | 'DEFAULT_AI_PROVIDER'
  | 'AI_FALLBACK_PROVIDERS'
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_MODEL'
  | 'ANTHROPIC_API_KEY'
  | 'ANTHROPIC_BASE_URL'
  | 'ANTHROPIC_MODEL'
  | 'AZURE_OPENAI_API_KEY'
  | 'AZURE_OPENAI_ENDPOINT'
  | 'AZURE_OPENAI_DEPLOYMENT'
  | 'AZURE_OPENAI_API_VERSION'
  | 'AI_MAX_INPUT_TOKENS'
  | 'AI_MAX_OUTPUT_TOKENS'
  | 'AI_TIMEOUT_MS'
  | 'AI_MAX_RETRIES'
  | 'AI_RULES_FIRST'
  | 'AI_RULES_MIN_CONFIDENCE'
  | 'AI_CACHE_TTL_HOURS'
  | 'AI_RATE_LIMIT_PER_MINUTE'
  | 'AI_MAX_CONCURRENCY'
  | 'AI_PRICES'
  | 'HTTP_PROXY'
  | 'HTTPS_PROXY'
  | 'NO_PROXY'
>;

export type TProviderName = TAiProvider;
export const AI_PROVIDER_NAMES: readonly TProviderName[] = AI_PROVIDERS;

const KEYED_ORDER = ['openai', 'anthropic', 'azure_openai'] as const;

/** Why a provider cannot be used with these settings, or null when it can. */
export function describeMissingSettings(settings: TAiSettings, name: TProviderName): string | null {
  switch (name) {
    case 'openai':
      // A base URL alone is enough: Ollama, vLLM and LM Studio take no key.
      return settings.OPENAI_API_KEY || settings.OPENAI_BASE_URL ? null : 'OPENAI_API_KEY is not set';
    case 'anthropic':
      return settings.ANTHROPIC_API_KEY ? null : 'ANTHROPIC_API_KEY is not set';
    case 'azure_openai':
      if (!settings.AZURE_OPENAI_API_KEY) return 'AZURE_OPENAI_API_KEY is not set';
      return settings.AZURE_OPENAI_ENDPOINT ? null : 'AZURE_OPENAI_ENDPOINT is not set';
    case 'offline':
      return null;
  }
}

/**
 * The providers to try, in order: DEFAULT_AI_PROVIDER (else the first one with a key, else
 * offline), then AI_FALLBACK_PROVIDERS without repeats.
 */
export function resolveProviderChain(settings: TAiSettings): TProviderName[] {
  const first = settings.DEFAULT_AI_PROVIDER ?? KEYED_ORDER.find((p) => describeMissingSettings(settings, p) === null) ?? 'offline';
  return [...new Set<TProviderName>([first, ...settings.AI_FALLBACK_PROVIDERS])];
}

export type TProviderLimits = {
  /** Calls per minute across the worker pool: the BullMQ limiter `{ max, duration: 60_000 }`. */
  ratePerMinute: number;
  /** Calls in flight at once per worker process. */
  concurrency: number;
};

/** Rate and concurrency limits per provider; offline costs nothing and is not limited. */
export function resolveProviderLimits(settings: TAiSettings): Record<TProviderName, TProviderLimits | null> {
  const limits = { ratePerMinute: settings.AI_RATE_LIMIT_PER_MINUTE, concurrency: settings.AI_MAX_CONCURRENCY };
  return { openai: limits, anthropic: limits, azure_openai: limits, offline: null };
}
