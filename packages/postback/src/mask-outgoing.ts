import { createSecretMasker } from '@cia/log-intel';

/**
 * The egress masking point of post-back: everything posted (GitLab note, Slack, webhook) passes
 * here. Stored excerpts are masked already; model output and titles may not be, and the service's
 * own secret values (secretValuesOf(config)) are masked whatever their shape.
 */
export function maskText(text: string, extraValues: readonly string[]): string {
  return createSecretMasker({ extraValues })(text);
}

/** Masks every string inside a JSON-able value, so the JSON stays valid whatever the masks replace. */
export function maskDeep<T>(value: T, extraValues: readonly string[]): T {
  const mask = createSecretMasker({ extraValues });
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return mask(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
