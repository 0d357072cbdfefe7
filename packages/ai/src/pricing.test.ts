import { computeCostUsd, findModelPrice, parsePriceOverrides } from './pricing';

test('dated snapshots and vendor-prefixed names find their model price', () => {
  expect(findModelPrice('claude-3-5-haiku-20241022')).toEqual({ input: 0.8, output: 4 });
  expect(findModelPrice('openai/gpt-4o-mini')).toEqual({ input: 0.15, output: 0.6 });
  expect(findModelPrice('gpt-4o-2024-08-06')).toEqual({ input: 2.5, output: 10 });
  expect(findModelPrice('gpt-4o-mini-2024-07-18')).toEqual({ input: 0.15, output: 0.6 });
});

test('cost is tokens times price per million; unknown models cost 0 unless AI_PRICES names them', () => {
  expect(computeCostUsd('gpt-4o-mini', 1_000_000, 1_000_000)).toBe(0.75);
  expect(computeCostUsd('llama3.1:8b', 5000, 500)).toBe(0);
  const overrides = parsePriceOverrides(['llama3.1:8b=0.1/0.2', 'gpt-4o-mini=1/2']);
  expect(computeCostUsd('llama3.1:8b', 1_000_000, 1_000_000, overrides)).toBeCloseTo(0.3);
  expect(computeCostUsd('gpt-4o-mini', 1_000_000, 0, overrides)).toBe(1);
});
