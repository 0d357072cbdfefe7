/**
 * Shortest secret value masked as an exact value. Shorter ones (a test setting such as `t`, a PIN)
 * would mask ordinary words and numbers everywhere; GitLab asks the same 8 characters of a masked
 * CI variable.
 */
export const MIN_SECRET_LENGTH = 8;

/**
 * The characters of base64(prefix + value) that depend on the value alone, for each of the three
 * byte alignments the value can have inside a longer encoded text (`user:value` in a Basic header,
 * a value in an encoded config file): the 6-bit groups that straddle the prefix or the padding
 * are left out.
 */
function base64Middles(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const middle = encoded.slice(start, end);
    if (middle.length >= MIN_SECRET_LENGTH) out.push(middle, middle.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/** How a secret value shows up in text: as is, URL-encoded (either hex case), base64 and base64url. */
export function secretVariants(value: string): string[] {
  const variants = [value];
  const encoded = encodeURIComponent(value);
  if (encoded !== value)
    variants.push(
      encoded,
      encoded.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    );
  const formEncoded = encoded.replace(/%20/g, '+');
  if (formEncoded !== encoded) variants.push(formEncoded);
  variants.push(...base64Middles(value));
  return variants;
}

/**
 * The expression matching any of the given values in any of its forms, longest first. The same
 * values (the service's own secrets, analysis after analysis) reuse one expression: a new RegExp
 * is compiled again by V8 on its first use, which showed in a busy worker's profile. Only
 * replace() uses it, which resets lastIndex, so sharing it is safe.
 */
const cache = new Map<string, RegExp | undefined>();
const CACHE_SIZE = 16;

export function exactValuesRegExp(values: readonly string[]): RegExp | undefined {
  const key = values.join('\u0000');
  if (cache.has(key)) return cache.get(key);
  const forms = [...new Set(values.filter((v) => v.length >= MIN_SECRET_LENGTH).flatMap(secretVariants))];
  forms.sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  const re = forms.length === 0 ? undefined : new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, re);
  return re;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
