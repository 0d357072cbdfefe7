import { maskSecrets } from '@cia/log-intel';

/** Everything posted passes here: stored excerpts are masked already, model output and titles may not be. */
export function maskText(text: string, extraValues: string[]): string {
  return maskSecrets(text, { extraValues });
}

/** Masks every string inside a JSON-able value, so the JSON stays valid whatever the masks replace. */
export function maskDeep<T>(value: T, extraValues: string[]): T {
  if (typeof value === 'string') return maskText(value, extraValues) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, extraValues)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, extraValues)])) as T;
  }
  return value;
}
