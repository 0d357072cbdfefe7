const MASKED_VARIABLE = '[MASKED:variable]';

/**
 * The audit copy of a delivery: pipeline variables (they may be credentials passed to a manual or
 * triggered pipeline) are masked; everything else is kept as GitLab sent it.
 */
export function auditBody(raw: string, body: unknown): string {
  const attrs = (body as { object_attributes?: { variables?: unknown } }).object_attributes;
  if (!attrs || !Array.isArray(attrs.variables) || attrs.variables.length === 0) return raw;
  const variables = attrs.variables.map((v: unknown) => (v && typeof v === 'object' ? { ...v, value: MASKED_VARIABLE } : v));
  return (
    replaceVariablesText(raw, attrs.variables, variables) ??
    JSON.stringify({ ...(body as object), object_attributes: { ...attrs, variables } })
  );
}

/**
 * GitLab sends compact JSON, so the variables array usually appears in the raw text exactly as
 * JSON.stringify writes it: replacing that text alone spares serialising the whole body again.
 * It is only done when it is certainly that array: the only "variables" in the text (an unescaped
 * quote cannot sit inside a JSON string, so this is the key) and no \u escape that could spell
 * another such key; otherwise undefined and the caller re-serialises.
 */
function replaceVariablesText(raw: string, original: unknown[], masked: unknown[]): string | undefined {
  const at = raw.indexOf('"variables"');
  if (at < 0 || raw.indexOf('"variables"', at + 1) >= 0 || raw.includes('\\u')) return undefined;
  const text = `"variables":${JSON.stringify(original)}`;
  if (!raw.startsWith(text, at)) return undefined;
  return `${raw.slice(0, at)}"variables":${JSON.stringify(masked)}${raw.slice(at + text.length)}`;
}
