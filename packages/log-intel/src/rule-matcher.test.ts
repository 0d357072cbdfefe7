import { LiteralIndex } from './literal-index';
import { requiredLiterals } from './required-literal';
import { buildLineMatcher } from './rule-matcher';
import { loadRules } from './knowledge-base';

describe('required literals', () => {
  it.each([
    ['Failed to execute goal', '', ['Failed to execute goal']],
    ['colou?r=(?<v>\\d+) sets', '', [' sets']],
    ['^(?:FAIL|ERROR): (?<method>\\w+) \\(', '', ['FAIL', 'ERROR']],
    ['\\b[1-9]\\d* (?:failed|failing|failures?)\\b', '', ['failed', 'failing', 'failure']],
    ['npm ERR! code E404|ERR_PNPM_FETCH_404', 'i', ['npm err! code e404', 'err_pnpm_fetch_404']],
    ['(?<!abc)(?=defg)xy', '', null],
    ['[abc]{3}|xyz', '', null],
    ['\\x41BC', '', null],
    ['ab(?:cdef)?gh', '', null],
    ['_{3,} (?<name>\\S+) ', '', null],
    ['●\\s+done', '', ['done']],
  ])('%s (flags %j) needs %j', (source, flags, expected) => {
    expect(requiredLiterals(source, flags)).toEqual(expected === null ? null : expected.map((l) => l.toLowerCase()));
  });
});

describe('literal index', () => {
  it('reports every string a text contains, overlapping ones too', () => {
    const found: string[] = [];
    const strings = ['he', 'she', 'his', 'hers'];
    new LiteralIndex(strings).search('ushers', (id) => found.push(strings[id] as string));
    expect(found.sort()).toEqual(['he', 'hers', 'she']);
  });
});

describe('line matcher', () => {
  it('finds exactly the rules a pattern-by-pattern test finds', () => {
    const rules = loadRules();
    const match = buildLineMatcher(rules);
    const lines = [
      'Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.2 sec <<< FAILURE! - in a.BTest',
      'FAIL: test_x (pkg.mod.Case)',
      '1) testFoo(com.acme.FooTest)',
      '  ✖ 2 problems (2 errors, 0 warnings)',
      'npm ERR! code E404',
      'error: error validating "k8s/d.yaml": error validating data: failed to download openapi: Get "https://10.0.0.1:6443/openapi/v2": dial tcp 10.0.0.1:6443: i/o timeout',
      '____________ test_total ____________',
      'README.md:12 MD012/no-multiple-blanks Multiple consecutive blank lines',
      'In script.sh line 3:',
      'ERROR: Job failed: exit code 1',
      'everything is fine',
    ];
    for (const line of lines) {
      const expected = rules.flatMap((r, i) => (r.patterns.some((p) => new RegExp(p, r.flags).test(line)) ? [i] : []));
      expect(match(line)).toEqual(expected);
    }
  });
});
