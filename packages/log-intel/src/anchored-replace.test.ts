import { replaceAnchored } from './anchored-replace';
import { STRONG_ANCHOR_RE, STRONG_ASSIGNMENT_RE, WEAK_ANCHOR_RE, WEAK_ASSIGNMENT_RE } from './mask';

/** Deterministic pseudo-random numbers (mulberry32): the same texts on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces that make near-misses likely: secret-like words inside longer names, operators, quotes,
// separators the name may contain, values just under and over the 12 characters asked for.
const PIECES = [
  'pass',
  'key',
  'KEY',
  'auth',
  'author',
  'token',
  'api_key',
  'apikey',
  'Password',
  'secret',
  'session',
  'cert',
  'cred',
  'credentials',
  '=',
  ':',
  ':=',
  ' ',
  '  ',
  '\n',
  '\t',
  '"',
  "'",
  '.',
  '-',
  '_',
  'DB',
  'my',
  '1',
  'x9',
  'Zq8xP2mV9tL4kR7wN3cB',
  'abc',
  'hunter2',
  'Ab3dEfGh1jKl',
  '$VAR',
  ',',
  ';',
  '&',
  '/',
  'é',
];

function textFrom(next: () => number): string {
  let s = '';
  const n = 1 + Math.floor(next() * 40);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

const RULES: [string, RegExp, RegExp][] = [
  ['strong', STRONG_ANCHOR_RE, STRONG_ASSIGNMENT_RE],
  ['weak', WEAK_ANCHOR_RE, WEAK_ASSIGNMENT_RE],
];

describe.each(RULES)('replaceAnchored with the %s assignment pattern', (_name, anchor, pattern) => {
  // Marks every match with its groups, so any difference in where matches start or end shows.
  const mark = (m: string, ...groups: (string | undefined)[]) => `<${m}|${groups.slice(0, 4).join('|')}>`;

  it('gives exactly what a global replace gives, on thousands of near-miss texts', () => {
    const next = random(42);
    let matched = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = textFrom(next);
      const expected = text.replace(pattern, mark);
      if (expected !== text) matched++;
      expect(replaceAnchored(text, anchor, pattern, mark)).toBe(expected);
    }
    // The texts must exercise both outcomes, or the comparison proves little.
    expect(matched).toBeGreaterThan(1000);
    expect(matched).toBeLessThan(19_000);
  });

  it('keeps a text without any match as it is (the same string)', () => {
    const text = '- author: User\nsession: short';
    expect(replaceAnchored(text, anchor, pattern, mark)).toBe(text);
  });

  it('refuses expressions that are not global', () => {
    expect(() => replaceAnchored('x', /x/, pattern, mark)).toThrow(/global/);
  });
});
