import type { TMasker } from '@cia/contracts';
import { buildSampleInput, readJobIdsFromPrompt, SAMPLE_LOGS } from '../testing';
import { estimateTokens } from '../token-budget';
import { buildAnalysisPrompt, type TRuleHint } from './prompt-loader';
import { PROMPT_VERSION } from './prompt-version';

/** Counts its calls; masks nothing. */
function countingMasker() {
  const calls: string[] = [];
  const mask = ((text: string) => (calls.push(text), text)) as unknown as TMasker;
  return { mask, calls };
}
const identity = countingMasker().mask;

function hugeLog(lines: number): string {
  return Array.from({ length: lines }, (_, i) =>
    i === lines - 2 ? 'error: the real failure is here' : `step ${i}: compiling module number ${i} of the project with some padding text`,
  ).join('\n');
}

test('the prompt fits AI_MAX_INPUT_TOKENS by cutting excerpts, keeping the tail where failures are', () => {
  const input = buildSampleInput([{ id: 1, name: 'build', log: hugeLog(3000) }], { ci_config: 'x: 1\n'.repeat(5000) });

  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 4000, schemaTokens: 700, mask: identity, nonce: 'n0nce' });

  expect(prompt.estimatedInputTokens).toBeLessThanOrEqual(4000);
  const sent = prompt.excerpts.get(1)!;
  expect(sent.length).toBeGreaterThan(20);
  expect(sent.length).toBeLessThan(3000);
  expect(sent.at(-2)?.text).toBe('error: the real failure is here');
  expect(prompt.user).toContain('excerpt lines left out to fit the input budget');
  expect(prompt.user).toContain('characters omitted');
});

test('a larger budget sends more of the excerpt', () => {
  const input = buildSampleInput([{ id: 1, name: 'build', log: hugeLog(3000) }]);
  const small = buildAnalysisPrompt(input, { maxInputTokens: 4000, schemaTokens: 700, mask: identity });
  const large = buildAnalysisPrompt(input, { maxInputTokens: 30000, schemaTokens: 700, mask: identity });

  expect(large.excerpts.get(1)!.length).toBeGreaterThan(small.excerpts.get(1)!.length * 3);
  expect(large.estimatedInputTokens).toBeLessThanOrEqual(30000);
});

test('a short excerpt leaves its share of the budget to a long one', () => {
  const input = buildSampleInput([
    { id: 1, name: 'lint', log: SAMPLE_LOGS.jestTest },
    { id: 2, name: 'build', log: hugeLog(3000) },
  ]);
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 8000, schemaTokens: 700, mask: identity });

  expect(prompt.excerpts.get(1)).toHaveLength(input.failed_jobs[0]!.excerpt.length);
  const longSent = prompt.excerpts.get(2)!.reduce((n, l) => n + estimateTokens(l.text), 0);
  expect(longSent).toBeGreaterThan(4000);
});

test('templates follow the kinds of failure, and the version is recorded', () => {
  const input = buildSampleInput([
    { id: 1, name: 'deploy-prod', stage: 'deploy', log: 'error: forbidden' },
    { id: 2, name: 'unit', stage: 'test', log: SAMPLE_LOGS.jestTest },
  ]);
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 12000, schemaTokens: 700, mask: identity });

  expect(prompt.templates).toEqual(['deployment', 'test']);
  expect(prompt.user).toContain('### Deployment failure');
  expect(prompt.user).toContain('### Test failure');
  expect(prompt.promptVersion).toBe(PROMPT_VERSION);
});

test('every text sent passes through the masking function', () => {
  const input = buildSampleInput([{ id: 1, name: 'build', log: 'token SECRET-ONE in the log' }], {
    commit: { sha: 'b'.repeat(40), title: 'SECRET-TWO in the title', message: 'SECRET-TWO in the title\n\nand SECRET-THREE below' },
    ci_config: 'key: SECRET-FOUR',
  });
  const mask = ((t: string) => t.replace(/SECRET-\w+/g, '[MASKED]')) as unknown as TMasker;
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 12000, schemaTokens: 700, mask });

  expect(prompt.user).not.toMatch(/SECRET-/);
});

test('the prompt is masked in one pass: the excerpt lines, masked by the excerpt step, are not masked again one by one', () => {
  const input = buildSampleInput([
    { id: 1, name: 'build', log: SAMPLE_LOGS.typescriptBuild },
    { id: 2, name: 'unit', log: SAMPLE_LOGS.jestTest },
  ]);
  const { mask, calls } = countingMasker();
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 12000, schemaTokens: 700, mask });

  expect(calls).toEqual([prompt.user]);
  expect(prompt.excerpts.get(1)).toEqual(input.failed_jobs[0]!.excerpt);
});

test('job definitions, test failures and the CI config are sent inside fences', () => {
  const input = buildSampleInput(
    [
      {
        id: 7,
        name: 'unit',
        stage: 'test',
        log: SAMPLE_LOGS.jestTest,
        definition: 'unit:\n  script: npx jest --ci',
        test_failures: [{ name: 'applies the discount', message: 'Expected: 90' }],
      },
    ],
    {
      ci_config: 'stages: [test]\nvariables:\n  CI_DEBUG: "1"\nunit:\n  script: npx jest --ci',
      ci_config_globals: 'variables:\n  CI_DEBUG: "1"',
    },
  );
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 12000, schemaTokens: 700, mask: identity, nonce: 'f00d' });

  for (const [label, text] of [
    ['.gitlab-ci.yml', 'script: npx jest --ci'],
    ['.gitlab-ci.yml', 'CI_DEBUG: "1"'],
    ['test failures of job 7', 'applies the discount'],
    ['log of job 7', 'Tests:       1 failed'],
  ]) {
    const open = prompt.user.indexOf(`<<<UNTRUSTED ${label} f00d`);
    const at = prompt.user.indexOf(text!, open);
    expect([label, text, open > -1 && at > open && at < prompt.user.indexOf('UNTRUSTED f00d>>>', open)]).toEqual([label, text, true]);
  }
});

test("with a parsed config, the job-wide keywords and each failed job's definition are sent once, not the whole file", () => {
  const node = '.node:\n  image: node:20\n  before_script:\n    - npm ci';
  const input = buildSampleInput(
    [
      {
        id: 1,
        name: 'build',
        stage: 'build',
        log: SAMPLE_LOGS.typescriptBuild,
        definition: `build:\n  extends: .node\n  script: npm run build\n\n${node}`,
      },
      {
        id: 2,
        name: 'lint',
        stage: 'test',
        log: SAMPLE_LOGS.jestTest,
        definition: `lint:\n  extends: .node\n  script: npx eslint src\n\n${node}`,
      },
    ],
    {
      ci_config: `stages: [build, test]\nvariables:\n  TZ: UTC\n\n${node}\n\nbuild:\n  script: x\n\npages:\n  script: npm run docs-site\n`,
      ci_config_globals: 'variables:\n  TZ: UTC',
    },
  );
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 12000, schemaTokens: 700, mask: identity });

  expect(prompt.user).toContain('TZ: UTC');
  expect(prompt.user).toContain('script: npx eslint src');
  expect(prompt.user).not.toContain('npm run docs-site');
  expect(prompt.user.split('.node:\n  image: node:20')).toHaveLength(2);
});

test('without a parsed config the whole file is sent, as before', () => {
  const input = buildSampleInput([{ id: 1, name: 'build', log: SAMPLE_LOGS.typescriptBuild }], {
    ci_config: 'pages:\n  script: npm run docs-site\n',
  });
  expect(buildAnalysisPrompt(input, { maxInputTokens: 12000, schemaTokens: 700, mask: identity }).user).toContain('npm run docs-site');
});

test('copies of a job that failed the same way: one excerpt and one answer entry for the group, every job listed', () => {
  const input = buildSampleInput([
    { id: 11, name: 'jest 1/3', stage: 'test', log: SAMPLE_LOGS.jestTest },
    { id: 12, name: 'jest 2/3', stage: 'test', log: SAMPLE_LOGS.jestTest },
    { id: 13, name: 'build', stage: 'build', log: SAMPLE_LOGS.typescriptBuild },
  ]);
  const [a, b, c] = input.failed_jobs;
  const prompt = buildAnalysisPrompt(input, {
    maxInputTokens: 12000,
    schemaTokens: 700,
    mask: identity,
    groups: [
      { lead: a!, jobs: [a!, b!] },
      { lead: c!, jobs: [c!] },
    ],
  });

  expect(prompt.user.match(/<<<UNTRUSTED log of job /g)).toHaveLength(2);
  expect(prompt.user.match(/Received: 100/g)).toHaveLength(1);
  expect(prompt.user).toMatch(/job_id 11, name "jest 1\/3".*job_id 12 "jest 2\/3"/);
  expect(readJobIdsFromPrompt(prompt.user)).toEqual([11, 13]);
  expect([...prompt.excerpts.keys()]).toEqual([11, 13]);
});

test('knowledge-base hints: the two strongest of each failure, weak pattern matches left out', () => {
  const input = buildSampleInput([{ id: 1, name: 'unit', stage: 'test', log: SAMPLE_LOGS.jestTest }]);
  const hint = (ruleId: string, confidence: number): TRuleHint => ({
    jobId: 1,
    match: {
      ruleId,
      title: ruleId,
      category: 'test',
      severity: 'medium',
      confidence,
      rootCause: `because ${ruleId}`,
      solutions: [],
      documentationLinks: [],
      evidence: [],
      captures: {},
    },
  });
  const prompt = buildAnalysisPrompt(input, {
    maxInputTokens: 12000,
    schemaTokens: 700,
    mask: identity,
    ruleHints: [hint('jest', 0.9), hint('node', 0.7), hint('generic', 0.6), hint('weak', 0.3)],
  });

  expect(prompt.user).toContain('rule "jest"');
  expect(prompt.user).toContain('rule "node"');
  expect(prompt.user).not.toContain('rule "generic"');
  expect(prompt.user).not.toContain('rule "weak"');
});

test('a job of a child or downstream pipeline is named as such; a job of the analysed pipeline is not', () => {
  const input = buildSampleInput([
    { id: 1, name: 'build', log: SAMPLE_LOGS.typescriptBuild, pipeline_id: 98765 },
    { id: 2, name: 'e2e', log: SAMPLE_LOGS.jestTest, pipeline_id: 98800 },
  ]);
  const prompt = buildAnalysisPrompt(input, { maxInputTokens: 30000, schemaTokens: 700, mask: identity });

  expect(prompt.user).toContain('in child/downstream pipeline 98800');
  expect(prompt.user).not.toContain('in child/downstream pipeline 98765');
});
