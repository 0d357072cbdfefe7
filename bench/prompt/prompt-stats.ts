import { estimateTokens } from '@cia/ai';
import { readJobIdsFromPrompt, type TRecordedRequest } from '@cia/ai/testing';

/** What one chat completion request carried, counted the way the analyzer's budget counts it. */
export type TPromptSize = {
  jobIds: number[];
  chars: number;
  /** System and user messages plus the answer schema, as token-budget estimates them. */
  tokens: number;
  schemaTokens: number;
  /** Characters by section of the user message (`## Heading` with numbers and quotes removed). */
  sections: Map<string, number>;
};

type TChatBody = { messages?: { role: string; content?: unknown }[]; response_format?: { json_schema?: { schema?: unknown } } };

const text = (content: unknown) => (typeof content === 'string' ? content : JSON.stringify(content ?? ''));

/**
 * Characters of a user message by section: its `#`/`##` headings outside UNTRUSTED fences (a
 * fenced YAML comment is not a heading), keyed by the heading without quoted names, numbers and what follows a '(' or ':'.
 */
export function sectionSizes(user: string): Map<string, number> {
  const sizes = new Map<string, number>();
  let heading = '(start)';
  let fenced = false;
  for (const line of user.split('\n')) {
    if (line.startsWith('<<<UNTRUSTED ')) fenced = true;
    else if (fenced && /^UNTRUSTED \S+>>>$/.test(line)) fenced = false;
    else if (!fenced && /^#{1,2} /.test(line))
      heading = line
        .replace(/"[^"]*"/g, '"…"')
        .replace(/\s*[(:].*$/, '')
        .replace(/\d+/g, 'N');
    sizes.set(heading, (sizes.get(heading) ?? 0) + line.length + 1);
  }
  return sizes;
}

export function measureRequest(request: TRecordedRequest): TPromptSize {
  const body = (request.json ?? {}) as TChatBody;
  const system = text(body.messages?.find((m) => m.role === 'system')?.content);
  const user = text(body.messages?.find((m) => m.role === 'user')?.content);
  const schema = body.response_format?.json_schema?.schema;
  const schemaTokens = schema ? estimateTokens(JSON.stringify(schema)) : 0;
  const sections = sectionSizes(user);
  sections.set('(system message)', system.length);
  return {
    jobIds: readJobIdsFromPrompt(user),
    chars: system.length + user.length,
    tokens: estimateTokens(system) + estimateTokens(user) + schemaTokens,
    schemaTokens,
    sections,
  };
}

export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
