import type { TProvider } from './provider.types';

/** Wraps a provider so that at most `max` calls are in flight at once; the others wait in order. */
export function limitConcurrency(provider: TProvider, max: number): TProvider {
  let active = 0;
  const waiting: (() => void)[] = [];
  const acquire = () =>
    active < max
      ? (active++, Promise.resolve())
      : new Promise<void>((resolve) => waiting.push(() => (active++, resolve())));
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    ...provider,
    async complete(request) {
      await acquire();
      try {
        return await provider.complete(request);
      } finally {
        release();
      }
    },
  };
}
