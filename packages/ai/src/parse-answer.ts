import { z } from 'zod';
import { ZModelAnswer, type TModelAnswer } from './model-answer.schema';

export type TParsedAnswer = { ok: true; answer: TModelAnswer } | { ok: false; problem: string };

/** The JSON object in a model's text: models sometimes wrap it in markdown fences or a sentence. */
function extractJson(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed)?.[1];
    const candidate = fenced ?? trimmed.slice(trimmed.indexOf('{'), trimmed.lastIndexOf('}') + 1);
    return JSON.parse(candidate);
  }
}

/** Harmless fixes that need no second call: a percentage confidence, enum values in the wrong case. */
function normalize(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const v = { ...(value as Record<string, unknown>) };
  if (typeof v.confidence === 'number' && v.confidence > 1 && v.confidence <= 100) v.confidence = v.confidence / 100;
  for (const key of ['category', 'severity'] as const) if (typeof v[key] === 'string') v[key] = (v[key] as string).trim().toLowerCase();
  return v;
}

/** Parses and validates a provider's answer; on failure says what was wrong, for the repair call. */
export function parseAnswer(text: string): TParsedAnswer {
  let json: unknown;
  try {
    json = extractJson(text);
  } catch {
    return { ok: false, problem: `the answer is not a JSON object (it starts with ${JSON.stringify(text.trim().slice(0, 80))})` };
  }
  const parsed = ZModelAnswer.safeParse(normalize(json));
  if (parsed.success) return { ok: true, answer: parsed.data };
  return { ok: false, problem: `the JSON does not match the schema: ${z.prettifyError(parsed.error).slice(0, 1500)}` };
}
