import { testConfig } from '@cia/config/testing';
import { resolveProviderChain, resolveProviderLimits } from './settings';

test('the default provider is the first with a key, else offline; fallbacks follow without repeats', () => {
  expect(resolveProviderChain(testConfig({}))).toEqual(['offline']);
  expect(resolveProviderChain(testConfig({ ANTHROPIC_API_KEY: 'k' }))).toEqual(['anthropic']);
  expect(resolveProviderChain(testConfig({ ANTHROPIC_API_KEY: 'k', OPENAI_API_KEY: 'k' }))).toEqual(['openai']);
  expect(resolveProviderChain(testConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }))).toEqual(['openai']);
  expect(
    resolveProviderChain(testConfig({ DEFAULT_AI_PROVIDER: 'azure_openai', AI_FALLBACK_PROVIDERS: 'openai,azure_openai,offline' })),
  ).toEqual(['azure_openai', 'openai', 'offline']);
});

test('limits per provider come from the rate and concurrency settings; offline has none', () => {
  const limits = resolveProviderLimits(testConfig({ AI_RATE_LIMIT_PER_MINUTE: '30', AI_MAX_CONCURRENCY: '2' }));
  expect(limits.openai).toEqual({ ratePerMinute: 30, concurrency: 2 });
  expect(limits.offline).toBeNull();
});

test('AI_PRICES entries are checked at start-up', () => {
  expect(() => testConfig({ AI_PRICES: 'my-model=0.1/0.2' })).not.toThrow();
  expect(() => testConfig({ AI_PRICES: 'my-model=cheap' })).toThrow(/AI_PRICES/);
});
