declare const MASKED: unique symbol;

/**
 * Text whose secrets are masked. Only the masker of @cia/log-intel makes one (ESLint forbids
 * `as TMaskedText` anywhere else), so what is stored or leaves through a sink typed with it has
 * passed a masking boundary: intake, excerpt, or egress.
 */
export type TMaskedText = string & { readonly [MASKED]: true };

/** An excerpt line whose text is masked. */
export type TMaskedLine = { line: number; text: TMaskedText };

type TNotMasked<T extends string> = T extends TMaskedText ? { error: 'already masked: masking it again is wasted work' } : T;

/**
 * A masking function. It refuses, at compile time, text the types say is masked already: masking
 * its own output changes nothing, so doing it again is only cost.
 */
export type TMasker = <T extends string>(text: TNotMasked<T>) => TMaskedText;

/** Every string inside a JSON-able value masked (keys and other values kept), so the JSON stays valid whatever the masks replace. */
export function maskDeep<T>(value: T, mask: TMasker): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return mask(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
