import { createAdaptiveBatcher } from './adaptive-batcher';

test('submitted in one turn, items share one write', async () => {
  const writes: number[][] = [];
  const batcher = createAdaptiveBatcher(async (items: number[]) => (writes.push(items), items.map((i) => i * 2)));
  expect(await Promise.all([1, 2, 3].map((i) => batcher.submit(i)))).toEqual([2, 4, 6]);
  expect(writes).toEqual([[1, 2, 3]]);
});

test('with a weight cap no write carries more than the cap, and an item heavier than it goes alone', async () => {
  const writes: number[][] = [];
  const batcher = createAdaptiveBatcher(async (items: number[]) => (writes.push(items), items), { maxInFlight: 1, weigh: (mb) => mb, maxWeight: 32 });
  await Promise.all([22, 22, 5, 5, 40, 1].map((mb) => batcher.submit(mb)));
  expect(writes).toEqual([[22], [22, 5, 5], [40], [1]]);
});
