// Order matters: whole timestamps and ids go before the bare-number rule eats their digits.
const VOLATILE_RULES: [RegExp, string][] = [
  [/\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, '<ts>'],
  [/\b\d\d:\d\d:\d\d(?:[.,]\d+)?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hash>'],
  [/\b0x[0-9a-f]+\b/gi, '<addr>'],
  [/(?:[A-Za-z]:)?(?:[\\/][\w.@+-]+){2,}[\\/]?/g, '<path>'],
  [/\b\d+(?:\.\d+)?\s*(?:ms|s|sec|secs|seconds|m|min|mins|minutes|h|hours)\b/gi, '<dur>'],
  [/\d+/g, '0'],
  [/\s+/g, ' '],
];

/** Text with the parts that change from run to run (times, ids, hashes, paths, numbers) replaced. */
export function normalizeVolatile(text: string): string {
  let out = text;
  for (const [re, by] of VOLATILE_RULES) out = out.replace(re, by);
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
