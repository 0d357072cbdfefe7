import type { TCompletion, TCompletionRequest, TProvider } from './provider.types';
import { limitConcurrency } from './limit-concurrency';

test('no more than the limit of calls are in flight, and every call completes', async () => {
  let inFlight = 0;
  let most = 0;
  const releases: (() => void)[] = [];
  const slow: TProvider = {
    name: 'openai',
    model: 'm',
    complete: () =>
      new Promise<TCompletion>((resolve) => {
        inFlight++;
        most = Math.max(most, inFlight);
        releases.push(() => {
          inFlight--;
          resolve({ text: '{}', inputTokens: 1, outputTokens: 1, model: 'm' });
        });
      }),
  };
  const limited = limitConcurrency(slow, 2);
  const calls = Array.from({ length: 5 }, () => limited.complete({} as TCompletionRequest));
  const flush = () => new Promise((r) => setImmediate(r));

  await flush();
  expect(inFlight).toBe(2);
  while (releases.length > 0) {
    releases.shift()!();
    await flush();
  }
  await Promise.all(calls);
  expect(most).toBe(2);
  expect(inFlight).toBe(0);
});

test('a failing call frees its slot', async () => {
  const failing: TProvider = { name: 'anthropic', model: 'm', complete: () => Promise.reject(new Error('boom')) };
  const limited = limitConcurrency(failing, 1);
  await expect(limited.complete({} as TCompletionRequest)).rejects.toThrow('boom');
  await expect(limited.complete({} as TCompletionRequest)).rejects.toThrow('boom');
});
