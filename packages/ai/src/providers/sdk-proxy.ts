import { EnvHttpProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { TAiSettings } from '../settings';

/** What the openai and Anthropic SDKs take to send their requests through a proxy. */
export type TSdkProxy = { fetch: typeof globalThis.fetch; fetchOptions: { dispatcher: Dispatcher } };

/**
 * The SDKs' documented proxy setup (openai-node, "Configuring proxies"): undici's `fetch` paired
 * with a proxy dispatcher. HTTPS_PROXY (else HTTP_PROXY) for https, HTTP_PROXY for http, NO_PROXY
 * hosts directly. Without a proxy setting, undefined: the SDKs keep their own transport.
 */
export function sdkProxyFor(settings: Pick<TAiSettings, 'HTTP_PROXY' | 'HTTPS_PROXY' | 'NO_PROXY'>): TSdkProxy | undefined {
  if (!settings.HTTP_PROXY && !settings.HTTPS_PROXY) return undefined;
  // Empty strings, not undefined: undici would otherwise read process.env itself.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: settings.HTTP_PROXY ?? '',
    httpsProxy: settings.HTTPS_PROXY ?? '',
    noProxy: settings.NO_PROXY ?? '',
  });
  // undici 7's own types for Request and Response are newer than the ones Node 20 declares for fetch.
  return { fetch: undiciFetch as unknown as typeof globalThis.fetch, fetchOptions: { dispatcher } };
}

/** The client options every SDK client of ours gets: its timeout, its retries, the proxy when one is set. */
export function sdkClientOptions(options: { timeoutMs: number; maxRetries: number; proxy?: TSdkProxy }) {
  return { timeout: options.timeoutMs, maxRetries: options.maxRetries, ...options.proxy };
}
