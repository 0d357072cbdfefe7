import { createGroupCommit } from './group-commit';

describe('createGroupCommit', () => {
  test('with a weight cap no write carries more than the cap, and an item heavier than it goes alone', async () => {
    const writes: number[][] = [];
    const commit = createGroupCommit(async (items: number[]) => (writes.push(items), items), {
      maxInFlight: 1,
      weigh: (mb) => mb,
      maxWeight: 32,
    });
    await Promise.all([22, 22, 5, 5, 40, 1].map((mb) => commit.submit(mb)));
    expect(writes).toEqual([[22], [22, 5, 5], [40], [1]]);
  });

  test('items submitted in one turn share one write, each caller getting its own result', async () => {
    const writes: number[][] = [];
    const commit = createGroupCommit(async (items: number[]) => {
      writes.push(items);
      return items.map((n) => n * 10);
    });
    expect(await Promise.all([1, 2, 3].map((n) => commit.submit(n)))).toEqual([10, 20, 30]);
    expect(writes).toEqual([[1, 2, 3]]);
  });

  test('items arriving while the writes in flight are busy wait and go together in the next write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const commit = createGroupCommit(
      async (items: number[]) => {
        writes.push(items);
        if (writes.length === 1) await blocked;
        return items;
      },
      { maxInFlight: 1 },
    );
    const first = commit.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => commit.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  test('a failed write rejects its own items only', async () => {
    const commit = createGroupCommit(async (items: string[]) => {
      if (items.includes('bad')) throw new Error('write failed');
      return items;
    });
    const failed = Promise.allSettled([commit.submit('bad'), commit.submit('with it')]);
    await new Promise((resolve) => setImmediate(resolve));
    const next = commit.submit('next turn');
    expect((await failed).map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(await next).toBe('next turn');
  });

  test('a write carries at most maxBatch items', async () => {
    const writes: number[][] = [];
    const commit = createGroupCommit(
      async (items: number[]) => {
        writes.push(items);
        return items;
      },
      { maxBatch: 2 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((n) => commit.submit(n)));
    expect(writes).toEqual([[1, 2], [3, 4], [5]]);
  });
});
