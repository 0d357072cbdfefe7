const SECRET_KEY = /(authorization|token|password|secret|api[_-]?key|cookie|private)/i;
const INLINE_SECRETS: RegExp[] = [
  /\b(gl(?:pat|dt|rt|cbt|ptt|ft|imt|agent|oas|soat)-[A-Za-z0-9_-]{16,})/g,
  /\b(gh[pousr]_[A-Za-z0-9]{30,})/g,
  /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,})/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(:\/\/[^:/\s@]+:)[^@/\s]+@/g,
];
/** Shorter exact values are not redacted: they would cut ordinary words out of every line (as the masker does). */
const MIN_SECRET_LENGTH = 8;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The expression matching any of the values, as is or URL-encoded, longest first; undefined for none. */
function exactValuesRegExp(values: readonly string[]): RegExp | undefined {
  const forms = new Set<string>();
  for (const v of values) {
    if (v.length < MIN_SECRET_LENGTH) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
  }
  if (forms.size === 0) return undefined;
  return new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
}

/**
 * A log metadata scrubber: values under secret-looking keys are replaced, token shapes inside any
 * string are cut out, and so are the exact values given (the service's own secrets, which have no
 * shape a pattern knows: a legacy GitLab token, a database password echoed in an error message),
 * so a stray header, URL or error never writes a credential to the logs.
 */
export function createRedactor(secretValues: readonly string[] = []): (value: unknown) => unknown {
  const exact = exactValuesRegExp(secretValues);
  const redactString = (s: string): string => {
    let out = exact ? s.replace(exact, '[REDACTED]') : s;
    for (const re of INLINE_SECRETS) {
      out = out.replace(re, (match, keep: string) => (match.startsWith(keep) && keep !== match ? `${keep}[REDACTED]` : '[REDACTED]'));
    }
    return out;
  };
  const redact = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redactString(value);
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (value instanceof Error)
      return { name: value.name, message: redactString(value.message), stack: value.stack && redactString(value.stack) };
    if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? '[REDACTED]' : redact(v, depth + 1);
    }
    return out;
  };
  return (value) => redact(value, 0);
}

/** Redaction by key names and token shapes only (no exact values). */
export const redact: (value: unknown) => unknown = createRedactor();
