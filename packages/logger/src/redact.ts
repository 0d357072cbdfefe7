const SECRET_KEY = /(authorization|token|password|secret|api[_-]?key|cookie|private)/i;
const INLINE_SECRETS: RegExp[] = [
  /\b(gl(?:pat|dt|rt|cbt|ptt|ft|imt|agent|oas|soat)-[A-Za-z0-9_-]{16,})/g,
  /\b(gh[pousr]_[A-Za-z0-9]{30,})/g,
  /\b(sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,})/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /(:\/\/[^:/\s@]+:)[^@/\s]+@/g,
];

function redactString(s: string): string {
  let out = s;
  for (const re of INLINE_SECRETS) {
    out = out.replace(re, (match, keep: string) => (match.startsWith(keep) && keep !== match ? `${keep}[REDACTED]` : '[REDACTED]'));
  }
  return out;
}

/**
 * Log metadata scrubber: values under secret-looking keys are replaced, and token shapes inside
 * any string are cut out, so a stray header or URL never writes a credential to the logs.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: redactString(value.message), stack: value.stack && redactString(value.stack) };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? '[REDACTED]' : redact(v, depth + 1);
  }
  return out;
}
