import { Queue, Worker, type Job } from 'bullmq';
import { ZodError } from 'zod';
import type { TPostAnalysisPayload, TPipelineFixedPayload } from '@cia/contracts';
import { closeRedis, createRedisConnection } from './connection';
import { createJobProcessor } from './dispatch';
import { enqueue, enqueueMany } from './enqueue';
import { createQueues, type TQueues } from './queues';
import { QUEUE_NAMES } from './queue-names';
import { createTestPrefix } from './testing';

/** The job catalogue as producers and the worker use it, on a real Redis. */
const redis = createTestPrefix('jobs');
const producer = createRedisConnection(redis.url, 'producer');
const workerConnection = createRedisConnection(redis.url, 'worker');
let queues: TQueues;

beforeAll(() => {
  queues = createQueues(producer, redis.prefix);
});

afterAll(async () => {
  await queues.close();
  await closeRedis(producer);
  await closeRedis(workerConnection);
  await redis.cleanup();
});

const analyze = { request_id: 'req-1', trigger: 'webhook', project_id: 5, pipeline_id: 9 } as const;

test('each job is added under its permanent name, its deterministic id and its defaults; a second add is a no-op', async () => {
  await enqueue(queues, { job: 'pipeline.analyze', payload: analyze });
  await enqueue(queues, { job: 'pipeline.analyze', payload: analyze });
  await enqueue(queues, { job: 'analysis.post', payload: { request_id: 'req-1', channel: 'slack' } });
  await enqueue(queues, { job: 'pipeline.fixed', payload: { project_id: 5, pipeline_id: 10, merge_request_iid: 3 } });

  expect(await queues.analyze.getJobCountByTypes('wait', 'delayed')).toBe(1);
  const job = await queues.analyze.getJob('req-1');
  expect(job).toMatchObject({
    name: 'pipeline.analyze',
    data: analyze,
    opts: { attempts: 5, backoff: { type: 'exponential', delay: 2000 } },
  });
  expect(await queues.postback.getJob('post-slack-req-1')).toMatchObject({ name: 'analysis.post', opts: { attempts: 8 } });
  expect(await queues.postback.getJob('fixed-5-10')).toMatchObject({
    name: 'pipeline.fixed',
    data: { project_id: 5, pipeline_id: 10, merge_request_iid: 3 },
  });
});

test('a payload that breaks its contract is refused before anything is added', async () => {
  const bad = { request_id: '', channel: 'gitlab' } as TPostAnalysisPayload;
  await expect(enqueue(queues, { job: 'analysis.post', payload: bad })).rejects.toBeInstanceOf(ZodError);
  const fine = { project_id: 6, pipeline_id: 1 };
  await expect(
    enqueueMany(queues, [
      { job: 'pipeline.fixed', payload: fine },
      { job: 'pipeline.fixed', payload: { project_id: 6.5, pipeline_id: 2 } },
    ]),
  ).rejects.toBeInstanceOf(ZodError);
  expect(await queues.postback.getJob('fixed-6-1')).toBeUndefined();
});

test('enqueueMany adds with the same ids and options as enqueue, so what is queued already is not added twice', async () => {
  const payload = (pipeline_id: number) => ({ ...analyze, request_id: `bulk-${pipeline_id}`, pipeline_id });
  await enqueue(queues, { job: 'pipeline.analyze', payload: payload(1) });
  await enqueueMany(queues, [
    { job: 'pipeline.analyze', payload: payload(1) },
    { job: 'pipeline.analyze', payload: payload(2), options: { delay: 60_000 } },
  ]);
  const jobs = await queues.analyze.getJobs(['wait', 'delayed']);
  expect(
    jobs
      .filter((j) => j.id?.startsWith('bulk-'))
      .map((j) => j.id)
      .sort(),
  ).toEqual(['bulk-1', 'bulk-2']);
  expect(await queues.analyze.getJob('bulk-2')).toMatchObject({ name: 'pipeline.analyze', opts: { delay: 60_000, attempts: 5 } });
});

async function finished(queue: Queue, id: string): Promise<Job> {
  for (;;) {
    const job = await queue.getJob(id);
    if (job && (job.finishedOn ?? 0) > 0) return job;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('the worker hands each job to the handler of its name, payload validated; unknown names and bad payloads fail at once', async () => {
  const queue = new Queue(QUEUE_NAMES.postback, { connection: producer, prefix: `${redis.prefix}-dispatch` });
  const seen: unknown[] = [];
  const processor = createJobProcessor(QUEUE_NAMES.postback, {
    'analysis.post': async (payload: TPostAnalysisPayload) => seen.push(payload),
    'pipeline.fixed': async (payload: TPipelineFixedPayload) => seen.push(payload),
    'incidents.digest': async (payload) => seen.push(payload),
    'incidents.digest.post': async (payload) => seen.push(payload),
    'incident.new': async (payload) => seen.push(payload),
  });
  const worker = new Worker(QUEUE_NAMES.postback, processor, { connection: workerConnection, prefix: `${redis.prefix}-dispatch` });
  try {
    // Added as a deploy before this one added it: same name, same payload shape.
    await queue.add('analysis.post', { request_id: 'old-1', channel: 'gitlab' }, { jobId: 'post-gitlab-old-1' });
    await queue.add('analysis.repost', { request_id: 'x', channel: 'gitlab' }, { jobId: 'unknown-name', attempts: 3 });
    await queue.add('pipeline.analyze', analyze, { jobId: 'other-queue', attempts: 3 });
    await queue.add('pipeline.fixed', { project_id: 'five', pipeline_id: 1 }, { jobId: 'bad-payload', attempts: 3 });

    expect((await finished(queue, 'post-gitlab-old-1')).finishedOn).toBeGreaterThan(0);
    expect(seen).toEqual([{ request_id: 'old-1', channel: 'gitlab' }]);
    for (const [id, reason] of [
      ['unknown-name', 'unknown job analysis.repost on queue postback'],
      ['other-queue', 'unknown job pipeline.analyze'],
      ['bad-payload', 'invalid payload'],
    ]) {
      const job = await finished(queue, id as string);
      expect(job.failedReason).toContain(reason);
      expect(job.attemptsMade).toBe(1);
    }
  } finally {
    await worker.close();
    await queue.close();
  }
});
