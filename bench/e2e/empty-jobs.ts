import { Queue, Worker } from 'bullmq';
import { closeRedis, createRedisConnection } from '@cia/queue';

/**
 * BullMQ's own ceiling on this Redis: `jobs` empty jobs through one Worker with a no-op
 * processor at `concurrency`, in this process. Returns jobs per second.
 */
export async function measureEmptyJobThroughput(redisUrl: string, prefix: string, jobs: number, concurrency: number): Promise<number> {
  const producer = createRedisConnection(redisUrl, 'producer');
  const workerConnection = createRedisConnection(redisUrl, 'worker');
  const name = `bench-empty-${Date.now()}`;
  const queue = new Queue(name, { connection: producer, prefix });
  try {
    for (let i = 0; i < jobs; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'empty', data: { i: i + k }, opts: { removeOnComplete: true } })));
    }
    let done = 0;
    let finished: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => (finished = resolve));
    const started = Date.now();
    const worker = new Worker(
      name,
      async () => {
        if (++done === jobs) finished();
      },
      { connection: workerConnection, prefix, concurrency, autorun: true },
    );
    await allDone;
    const seconds = (Date.now() - started) / 1000;
    await worker.close();
    return jobs / seconds;
  } finally {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await closeRedis(producer);
    await closeRedis(workerConnection);
  }
}
