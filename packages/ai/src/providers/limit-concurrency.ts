import pLimit from 'p-limit';
import type { TProvider } from './provider.types';

/** Wraps a provider so that at most `max` calls are in flight at once; the others wait in order. */
export function limitConcurrency(provider: TProvider, max: number): TProvider {
  const limit = pLimit(max);
  return { ...provider, complete: (request) => limit(() => provider.complete(request)) };
}
