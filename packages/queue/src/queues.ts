import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { QUEUE_NAMES, type TQueueName } from './queue-names';

/** One BullMQ Queue (the producer side) per queue name, keyed by that name. */
export type TQueues = { readonly [Q in TQueueName]: Queue } & {
  all(): Queue[];
  close(): Promise<void>;
};

export function createQueues(connection: IORedis, prefix: string): TQueues {
  const analyze = new Queue(QUEUE_NAMES.analyze, { connection, prefix });
  const postback = new Queue(QUEUE_NAMES.postback, { connection, prefix });
  const verdicts = new Queue(QUEUE_NAMES.verdicts, { connection, prefix });
  const all = () => [analyze, postback, verdicts];
  return {
    [QUEUE_NAMES.analyze]: analyze,
    [QUEUE_NAMES.postback]: postback,
    [QUEUE_NAMES.verdicts]: verdicts,
    all,
    close: async () => {
      await Promise.all(all().map((q) => q.close()));
    },
  };
}
