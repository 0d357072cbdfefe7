import { ProviderError } from '../errors';
import { AI_PROVIDER_NAMES, describeMissingSettings, type TAiSettings, type TProviderName } from '../settings';
import { createAnthropicProvider } from './anthropic.provider';
import { createAzureOpenAiProvider } from './azure-openai.provider';
import { createOfflineProvider } from './offline.provider';
import { limitConcurrency } from './limit-concurrency';
import { createOpenAiProvider } from './openai.provider';
import { sdkProxyFor } from './sdk-proxy';
import type { TClientOptions, TProvider } from './provider.types';

/** Overrides of AI_TIMEOUT_MS and AI_MAX_RETRIES. */
type TClientOverrides = Partial<Pick<TClientOptions, 'timeoutMs' | 'maxRetries'>>;

/** Builds one provider from the settings; throws a `not_configured` ProviderError naming the missing setting. */
export function createProvider(name: TProviderName, settings: TAiSettings, options?: TClientOverrides): TProvider {
  const missing = describeMissingSettings(settings, name);
  if (missing) throw new ProviderError(name, 'not_configured', missing);
  const client: TClientOptions = {
    timeoutMs: options?.timeoutMs ?? settings.AI_TIMEOUT_MS,
    maxRetries: options?.maxRetries ?? settings.AI_MAX_RETRIES,
    proxy: sdkProxyFor(settings),
  };
  switch (name) {
    case 'openai':
      return createOpenAiProvider(settings, client);
    case 'anthropic':
      return createAnthropicProvider(settings, client);
    case 'azure_openai':
      return createAzureOpenAiProvider(settings, client);
    case 'offline':
      return createOfflineProvider();
  }
}

/**
 * One provider of each configured kind for a worker process, each limited to AI_MAX_CONCURRENCY
 * calls in flight; pass it as `deps.providers` to every analysis so SDK clients and limits are shared.
 */
export function createProviderPool(settings: TAiSettings, options?: TClientOverrides): Partial<Record<TProviderName, TProvider>> {
  const pool: Partial<Record<TProviderName, TProvider>> = {};
  for (const name of AI_PROVIDER_NAMES) {
    if (describeMissingSettings(settings, name) !== null) continue;
    const provider = createProvider(name, settings, options);
    pool[name] = name === 'offline' ? provider : limitConcurrency(provider, settings.AI_MAX_CONCURRENCY);
  }
  return pool;
}
