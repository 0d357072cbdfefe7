// Order matters: whole timestamps and ids go before the bare-number rule eats their digits. Each
// rule names the characters every match of it contains: a text without them cannot match, and no
// replacement before the bare-number rule adds a digit, ':', '-', '/', '\\' or "0x", so testing
// the original text once is exact. Most lines skip most rules (each replace is a regex pass).
type TVolatileRule = { re: RegExp; by: string; needs: (t: TTextTraits) => boolean };
type TTextTraits = { digit: boolean; colon: boolean; dash: boolean; slash: boolean; hex0x: boolean };

export const VOLATILE_RULES: TVolatileRule[] = [
  { re: /\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, by: '<ts>', needs: (t) => t.digit && t.dash && t.colon },
  { re: /\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, by: '<time>', needs: (t) => t.digit && t.colon },
  { re: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, by: '<uuid>', needs: (t) => t.dash },
  { re: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, by: '<hash>', needs: (t) => t.digit },
  { re: /\b0x[0-9a-f]+\b/gi, by: '<addr>', needs: (t) => t.hex0x },
  { re: /(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?/g, by: '<path>', needs: (t) => t.slash },
  { re: /\b\d+(?:\.\d+)?\s*(?:ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours)\b/gi, by: '<dur>', needs: (t) => t.digit },
  { re: /\d+/g, by: '0', needs: (t) => t.digit },
  { re: /\s+/g, by: ' ', needs: () => true },
];

/**
 * The same, except that a count of zero stays apart from other numbers: a passing run's
 * `Tests run: 68, Failures: 0` must not look like the failing run's `Tests run: 67, Failures: 2`.
 * Used to compare a log with a passing run's (baseline) and to count repeated failure lines.
 */
export const COMPARE_RULES: TVolatileRule[] = VOLATILE_RULES.flatMap((rule) =>
  rule.by === '0' ? [{ re: /\d*[1-9]\d*/g, by: 'N', needs: rule.needs }, rule] : [rule],
);

const DIGIT_RE = /\d/;

/** Text with the parts that change from run to run (times, ids, hashes, paths, numbers) replaced. */
export function normalizeVolatile(text: string): string {
  return applyRules(text, VOLATILE_RULES);
}

/** {@link normalizeVolatile} that keeps zero counts apart (see {@link COMPARE_RULES}). */
export function normalizeForComparison(text: string): string {
  return applyRules(text, COMPARE_RULES);
}

/** The hash of {@link normalizeForComparison}: what baseline and repeat sets hold. */
export function comparisonKey(text: string): number {
  return hashText(normalizeForComparison(text));
}

function applyRules(text: string, rules: TVolatileRule[]): string {
  const traits: TTextTraits = {
    digit: DIGIT_RE.test(text),
    colon: text.includes(':'),
    dash: text.includes('-'),
    slash: text.includes('/') || text.includes('\\'),
    hex0x: text.includes('0x') || text.includes('0X'),
  };
  let out = text;
  for (const rule of rules) if (rule.needs(traits)) out = out.replace(rule.re, rule.by);
  return out.trim();
}

/** 32-bit FNV-1a: a small, fast key for sets of normalised lines (baseline, repeats). */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
