import { testConfig } from '@cia/config/testing';
import { classify } from '@cia/log-intel';
import { analyzePipeline } from './index';
import { buildSampleInput, SAMPLE_LOGS, startFakeOpenAi, type TFakeProviderServer } from './testing';

let openai: TFakeProviderServer;
beforeAll(async () => {
  openai = await startFakeOpenAi();
});
afterAll(() => openai.close());
beforeEach(() => {
  openai.requests.length = 0;
});

const settings = (overrides: Record<string, string> = {}) =>
  testConfig({ ...openai.env, DEFAULT_AI_PROVIDER: 'openai', AI_MAX_RETRIES: '0', ...overrides });

test('a confident rule match for every failed job skips the AI call', async () => {
  const input = buildSampleInput([
    { id: 1, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency },
    { id: 2, name: 'unit', stage: 'test', log: SAMPLE_LOGS.jestTest },
  ]);
  const outcome = await analyzePipeline(input, { settings: settings() });

  expect(openai.requests).toHaveLength(0);
  expect(outcome.rulesFirst).toBe(true);
  expect(outcome.provider).toBe('offline');
  expect(outcome.result.source?.kind).toBe('rules');
  expect(outcome.usage.inputTokens).toBe(0);
});

test('a failed job the rules cannot explain goes to the AI, with the rule matches as hints', async () => {
  const input = buildSampleInput([
    { id: 1, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency },
    { id: 2, name: 'check', stage: 'test', log: SAMPLE_LOGS.unknown },
  ]);
  const outcome = await analyzePipeline(input, { settings: settings() });

  expect(outcome.rulesFirst).toBe(false);
  expect(outcome.provider).toBe('openai');
  expect(openai.requests).toHaveLength(1);
  expect(openai.requests[0]!.body).toContain('rule \\"npm-eresolve\\"');
});

test('AI_RULES_FIRST=false asks the AI even when a rule is confident', async () => {
  const input = buildSampleInput([{ id: 1, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency }]);
  const outcome = await analyzePipeline(input, { settings: settings({ AI_RULES_FIRST: 'false' }) });

  expect(outcome.provider).toBe('openai');
  expect(openai.requests).toHaveLength(1);
});

test('AI_RULES_MIN_CONFIDENCE above the match confidence asks the AI', async () => {
  const input = buildSampleInput([{ id: 1, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency }]);
  const outcome = await analyzePipeline(input, { settings: settings({ AI_RULES_MIN_CONFIDENCE: '0.99' }) });

  expect(outcome.provider).toBe('openai');
});

test('the rule matches of the classify step are the ones used: the excerpts are not matched again', async () => {
  const input = buildSampleInput([{ id: 7, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency }]);
  // The caller classified with a knowledge base that knows nothing of npm: no rule, so the AI is asked.
  const unmatched = await analyzePipeline(input, { settings: settings(), ruleMatches: new Map([[7, []]]) });
  expect(unmatched.rulesFirst).toBe(false);
  expect(openai.requests).toHaveLength(1);
  expect(openai.requests[0]!.body).not.toContain('npm-eresolve');

  const matches = classify(input.failed_jobs[0]!.excerpt);
  expect(matches[0]?.ruleId).toBe('npm-eresolve');
  const matched = await analyzePipeline(input, { settings: settings(), ruleMatches: new Map([[7, matches]]) });
  expect(matched.rulesFirst).toBe(true);
  expect(matched.result.root_cause).toContain(matches[0]!.rootCause);
  expect(openai.requests).toHaveLength(1);
});
