import { maskEncodedTokens } from './encoded-tokens';
import { ANY_TOKEN_RE } from './mask-rules';

/** The plain definition the skipping scan must agree with: every maximal run of 28+ base64 characters, decoded. */
function reference(text: string): string {
  return text.replace(/(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{28,}={0,2}/g, (run) =>
    !/^[0-9a-f]+$/i.test(run) && ANY_TOKEN_RE.test(Buffer.from(run, 'base64').toString('latin1')) ? 'X' : run,
  );
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKEN = 'glpat-Ab3dEfGh1jKlMn0pQrStUv';
const PIECES = [
  Buffer.from(TOKEN).toString('base64'),
  Buffer.from(`ci-bot:${TOKEN}`).toString('base64url'),
  Buffer.from(`u:${TOKEN}`).toString('base64'),
  '/builds/acme/app/node_modules/some-package/dist/index',
  'AbstractSingletonProxyFactoryBeanTest',
  '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ' ',
  '  ',
  '=',
  '==',
  ':',
  '"',
  '\n',
  'é',
  'x',
  'abc',
  '-',
  '_',
  '/',
];

describe('maskEncodedTokens', () => {
  it('masks base64 and base64url of a token wherever the run sits, and nothing else', () => {
    const encoded = Buffer.from(TOKEN).toString('base64');
    expect(maskEncodedTokens(encoded, 'X')).toBe('X');
    expect(maskEncodedTokens(`auth=${encoded} next`, 'X')).toBe('auth=X next');
    expect(maskEncodedTokens('/builds/acme/app/node_modules/some-package/dist/index.js', 'X')).toBe(
      '/builds/acme/app/node_modules/some-package/dist/index.js',
    );
  });

  it('finds exactly what a scan of every run finds, on thousands of generated texts', () => {
    const next = random(7);
    let masked = 0;
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const n = 1 + Math.floor(next() * 12);
      for (let k = 0; k < n; k++) text += PIECES[Math.floor(next() * PIECES.length)];
      const expected = reference(text);
      if (expected !== text) masked++;
      expect(maskEncodedTokens(text, 'X')).toBe(expected);
    }
    expect(masked).toBeGreaterThan(500);
  });
});
