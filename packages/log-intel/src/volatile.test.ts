import { COMPARE_RULES, normalizeForComparison, normalizeVolatile, VOLATILE_RULES } from './volatile';

/** Every rule on every text, as normalizeVolatile did before it skipped rules: the reference. */
function everyRule(text: string, rules = VOLATILE_RULES): string {
  let out = text;
  for (const { re, by } of rules) out = out.replace(re, by);
  return out.trim();
}

describe('normalizeVolatile', () => {
  it.each([
    ['2024-05-01T10:00:00.123Z ERROR failed after 1500 ms', '<ts> ERROR failed after <dur>'],
    ['at 10:00:01 job 7f3a9c2e1b failed', 'at <time> job <hash> failed'],
    ['request 123e4567-e89b-12d3-a456-426614174000 denied', 'request <uuid> denied'],
    ['segfault at 0x7ffd12ab in /usr/lib/libc.so.6', 'segfault at <addr> in <path>'],
    ['npm ERR! code ERESOLVE', 'npm ERR! code ERESOLVE'],
    ['  exit   code\t137  ', 'exit code 0'],
    ['C:\\build\\src\\main.c(12): error', '<path>(0): error'],
  ])('%j → %j', (text, expected) => {
    expect(normalizeVolatile(text)).toBe(expected);
  });

  it('keeps zero apart from other numbers when comparing', () => {
    expect(normalizeForComparison('Tests run: 12, Failures: 0, Errors: 03 in 1.5 s')).toBe('Tests run: N, Failures: 0, Errors: N in <dur>');
  });

  it('gives what applying every rule gives, on texts made of what the rules look for', () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = [
      '0',
      '7',
      '2024',
      '-',
      ':',
      '/',
      '\\',
      'x',
      'X',
      '0x',
      'T',
      'Z',
      ' ',
      '\t',
      '.',
      ',',
      'ms',
      's',
      'h',
      'min',
      'a',
      'f',
      'E',
      'deadbeef',
      'abcdefab-abcd-abcd-abcd-abcdefabcdef',
      'C:',
      '+',
      '@',
      '_',
      'error',
    ];
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: Math.floor(next() * 24) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      expect(normalizeVolatile(text)).toBe(everyRule(text));
      expect(normalizeForComparison(text)).toBe(everyRule(text, COMPARE_RULES));
    }
  });
});
