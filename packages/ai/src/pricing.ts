/** USD per million tokens. */
export type TModelPrice = { input: number; output: number };

/**
 * List prices of the models people use for this job. Keys match a model name exactly or as a
 * prefix (dated snapshots such as `claude-3-5-haiku-20241022`); AI_PRICES adds or corrects entries.
 */
export const MODEL_PRICES: Readonly<Record<string, TModelPrice>> = Object.freeze({
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5': { input: 1.25, output: 10 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'claude-3-haiku': { input: 0.25, output: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-opus-4': { input: 15, output: 75 },
});

/** Parses AI_PRICES entries (`model=input/output`). */
export function parsePriceOverrides(entries: readonly string[]): Record<string, TModelPrice> {
  const out: Record<string, TModelPrice> = {};
  for (const entry of entries) {
    const [model, prices] = entry.split('=');
    const [input, output] = (prices ?? '').split('/').map(Number);
    if (model && input !== undefined && output !== undefined && Number.isFinite(input) && Number.isFinite(output)) {
      out[model] = { input, output };
    }
  }
  return out;
}

/** The price of a model: exact name first, then the longest known prefix; null when unknown. */
export function findModelPrice(model: string, overrides: Record<string, TModelPrice> = {}): TModelPrice | null {
  const table = { ...MODEL_PRICES, ...overrides };
  const exact = table[model];
  if (exact) return exact;
  // OpenRouter names carry a vendor prefix ("openai/gpt-4o-mini").
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  const prefix = Object.keys(table)
    .filter((k) => bare.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return prefix ? (table[prefix] ?? null) : null;
}

/** Cost in USD of one analysis' tokens; 0 for models without a known price. */
export function computeCostUsd(model: string, inputTokens: number, outputTokens: number, overrides?: Record<string, TModelPrice>): number {
  const price = findModelPrice(model, overrides);
  if (!price) return 0;
  return Math.round(((inputTokens * price.input + outputTokens * price.output) / 1_000_000) * 1e8) / 1e8;
}
