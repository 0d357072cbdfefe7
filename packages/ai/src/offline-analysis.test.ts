import { ZAnalysisResult } from '@cia/contracts';
import { testConfig } from '@cia/config/testing';
import { analyzePipeline } from './index';
import { buildSampleInput, SAMPLE_LOGS } from './testing';

const offline = testConfig({ DEFAULT_AI_PROVIDER: 'offline' });

test.each([
  ['typescriptBuild', 'build', 'typescript-compile-error'],
  ['npmDependency', 'dependency', 'npm-eresolve'],
  ['jestTest', 'test', 'jest-test-failure'],
  ['outOfMemory', 'out_of_memory', 'oom-killed'],
] as const)('offline: a %s log gets a valid result naming the rule that matched and its confidence', async (log, category, ruleId) => {
  const outcome = await analyzePipeline(buildSampleInput([{ id: 1, name: 'job', stage: 'build', log: SAMPLE_LOGS[log] }]), {
    settings: offline,
  });

  const result = ZAnalysisResult.parse(outcome.result);
  expect(outcome.provider).toBe('offline');
  expect(outcome.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  expect(result.category).toBe(category);
  expect(result.confidence).toBeGreaterThan(0.8);
  expect(result.source).toEqual({
    kind: 'rules',
    detail: expect.stringMatching(new RegExp(`^rule ${ruleId} matched job job with confidence 0\\.\\d\\d$`)),
  });
  expect(result.root_cause).toContain(`rule "${ruleId}" matched with confidence`);
  expect(result.root_cause).toContain('no AI model was asked');
  expect(result.solutions.length).toBeGreaterThan(0);
  expect(result.failed_jobs[0]!.findings.some((f) => /^line \d+: /.test(f))).toBe(true);
});

test('offline: a log no rule knows gets an honest "could not tell"', async () => {
  const outcome = await analyzePipeline(buildSampleInput([{ id: 2, name: 'check', stage: 'test', log: SAMPLE_LOGS.unknown }]), {
    settings: offline,
  });

  const result = ZAnalysisResult.parse(outcome.result);
  expect(result.category).toBe('unknown');
  expect(result.confidence).toBe(0);
  expect(result.summary).toContain('could not tell');
  expect(result.root_cause).toMatch(/^Unknown\./);
  expect(result.source).toEqual({ kind: 'rules', detail: 'no rule matched: could not tell' });
  expect(result.failed_jobs[0]!.findings[0]).toContain('No rule of the offline knowledge base matched');
  expect(result.failed_jobs[0]!.excerpt.at(-1)?.text).toContain('exit code 7');
});

test('offline: an unknown log with a telling GitLab failure reason says what GitLab reported, with low confidence', async () => {
  const input = buildSampleInput([
    { id: 3, name: 'e2e', stage: 'test', failure_reason: 'job_execution_timeout', log: SAMPLE_LOGS.unknown },
  ]);
  const result = (await analyzePipeline(input, { settings: offline })).result;

  expect(result.category).toBe('timeout');
  expect(result.confidence).toBe(0.3);
  expect(result.root_cause).toContain('underlying cause is not known');
});

test('offline: jobs the rules do not explain lower the confidence and are named', async () => {
  const input = buildSampleInput([
    { id: 4, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency },
    { id: 5, name: 'check', stage: 'test', log: SAMPLE_LOGS.unknown },
  ]);
  const result = (await analyzePipeline(input, { settings: offline })).result;

  expect(result.category).toBe('dependency');
  expect(result.confidence).toBeLessThan(0.5);
  expect(result.summary).toContain('No rule matched job(s) check');
  expect(result.failed_jobs.map((j) => j.job_id)).toEqual([4, 5]);
});

test('with no provider key at all the offline analyzer is the default', async () => {
  const outcome = await analyzePipeline(buildSampleInput([{ name: 'build', log: SAMPLE_LOGS.typescriptBuild }]), {
    settings: testConfig({}),
  });
  expect(outcome.provider).toBe('offline');
  expect(outcome.attempts).toEqual([expect.objectContaining({ provider: 'offline', ok: true })]);
});

test('offline: a job whose log GitLab no longer has is named with why, beside the verdict for the job whose log matched', async () => {
  const input = buildSampleInput([
    { id: 6, name: 'install', stage: 'build', log: SAMPLE_LOGS.npmDependency },
    { id: 7, name: 'e2e', stage: 'test', log: '' },
  ]);
  input.failed_jobs[1]!.log_state = { state: 'missing', reason: 'not_found' };
  const result = (await analyzePipeline(input, { settings: offline })).result;

  expect(result.category).toBe('dependency');
  expect(result.summary).toContain(
    'No rule matched job(s) e2e (GitLab has no log for it (404: erased, expired, or not visible to the token))',
  );
  expect(result.failed_jobs[1]!.findings.join(' ')).toContain('GitLab answered 404 Not Found');
  expect(result.solutions.map((s) => s.title)).toContain('Check the job in GitLab');
});

test('offline: with GITLAB_AUTO_FETCH_LOGS off the answer says so and how to turn it on', async () => {
  const input = buildSampleInput([{ id: 8, name: 'build', stage: 'build', log: '' }]);
  input.failed_jobs[0]!.log_state = { state: 'missing', reason: 'auto_fetch_disabled' };
  const result = (await analyzePipeline(input, { settings: offline })).result;

  expect(result.summary).toBe(
    'The offline analyzer could not tell why the pipeline failed: for job build, its log was not read because GITLAB_AUTO_FETCH_LOGS is false.',
  );
  expect(result.solutions.flatMap((s) => s.steps).join(' ')).toContain('Set GITLAB_AUTO_FETCH_LOGS=true');
});
