import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classify } from './classify';
import { loadRules } from './knowledge-base';

describe('classify', () => {
  it.each([
    [['npm ERR! code ERESOLVE', 'npm ERR! ERESOLVE unable to resolve dependency tree'], 'npm-eresolve', 'dependency'],
    [
      ['<--- Last few GCs --->', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
      'oom-killed',
      'out_of_memory',
    ],
    [['ERROR: Job failed: execution took longer than 1h0m0s seconds'], 'job-timeout', 'timeout'],
    [["src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'."], 'typescript-compile-error', 'build'],
    [['--- FAIL: TestParse (0.00s)', 'FAIL\tgithub.com/acme/x\t0.01s'], 'go-test-failure', 'test'],
    [["ModuleNotFoundError: No module named 'yaml'"], 'python-module-not-found', 'dependency'],
    [['/bin/sh: 1: shellcheck: command not found'], 'command-not-found', 'configuration'],
    [['write /var/lib/docker/tmp/x: no space left on device'], 'disk-full', 'infrastructure'],
    [['1 problem (1 error, 0 warnings)', '✖ 1 problem (1 error, 0 warnings)'], 'eslint-errors', 'lint'],
    [['  41 passing (2s)', '  3 failing', '  1) Cart adds items:'], 'mocha-test-failure', 'test'],
    [['not ok 3 - parses empty input', '# tests 12', '# fail 1'], 'generic-test-failure', 'test'],
  ])('matches %j to %s', (lines, ruleId, category) => {
    const [top] = classify(lines);
    expect(top?.ruleId).toBe(ruleId);
    expect(top?.category).toBe(category);
    expect(top?.confidence).toBeGreaterThanOrEqual(0.5);
    expect(top?.solutions.length).toBeGreaterThan(0);
    expect(top?.evidence.length).toBeGreaterThan(0);
  });

  it('returns evidence with the excerpt line numbers', () => {
    const [top] = classify([
      { line: 41, text: 'ok' },
      { line: 42, text: 'npm ERR! code ERESOLVE' },
    ]);
    expect(top?.evidence).toEqual([{ line: 42, text: 'npm ERR! code ERESOLVE' }]);
  });

  it('returns nothing for a log without a known failure', () => {
    expect(classify(['all good', 'Job succeeded'])).toEqual([]);
  });

  it('flags rules that suggest flakiness', () => {
    const [top] = classify(['Error: connect ECONNREFUSED 127.0.0.1:5432']);
    expect(top?.flaky?.suspected).toBe(true);
  });

  it('loads user rules from a directory, and a user rule can replace a built-in one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(
      join(dir, 'team.json'),
      JSON.stringify([
        {
          id: 'acme-vpn',
          title: 'ACME VPN down',
          category: 'network',
          severity: 'low',
          patterns: ['vpn\\.acme\\.internal'],
          rootCause: 'The VPN is down.',
          solutions: [{ title: 'Retry', steps: ['Retry the job'] }],
        },
        {
          id: 'disk-full',
          title: 'Our disk rule',
          category: 'infrastructure',
          severity: 'low',
          patterns: ['no space left'],
          rootCause: 'Runner disk full.',
          solutions: [{ title: 'Call ops', steps: ['Page ops'] }],
        },
      ]),
    );
    const rules = loadRules(dir);
    expect(classify(['dial tcp: lookup vpn.acme.internal: no such host'], { rules })[0]?.ruleId).toBe('acme-vpn');
    expect(classify(['no space left on device'], { rules })[0]?.title).toBe('Our disk rule');
  });

  it('rejects a rule file with an invalid rule, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify([{ id: 'x', title: 'x', category: 'nope' }]));
    expect(() => loadRules(dir)).toThrow(/bad\.json/);
  });
});
