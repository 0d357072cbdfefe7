import type { JobsOptions, Queue } from 'bullmq';
import { JOBS, type TJobDefinition, type TJobName, type TJobPayload, type TJobQueue } from './jobs';

/** Per-add overrides of the catalogue's defaults (a delay; tests shorten the backoff). The id is never overridden. */
export type TEnqueueOptions = Omit<JobsOptions, 'jobId'>;

export type TEnqueueRequest<TName extends TJobName> = { job: TName; payload: TJobPayload<TName>; options?: TEnqueueOptions };

/** Only the queues the requested jobs go to: a caller holding the analyze queue alone may enqueue analyses. */
export type TQueuesFor<TName extends TJobName> = { readonly [Q in TJobQueue<TName>]: Queue };

/** The payload as validated, and the BullMQ add of it: the job's name, its deterministic id and its defaults. */
function toBulkJob<TName extends TJobName>({ job, payload, options }: TEnqueueRequest<TName>) {
  // The catalogue entry of a generic name is a union TypeScript cannot call; this is the entry of `job`.
  const definition = JOBS[job] as unknown as TJobDefinition<TJobQueue<TName>>;
  const data = definition.schema.parse(payload);
  return { queue: definition.queue, name: job as string, data, opts: { ...definition.options, ...options, jobId: definition.jobId(data) } };
}

/** Validates the payload against its contract, then adds it with its deterministic id and the job's defaults. */
export async function enqueue<TName extends TJobName>(queues: TQueuesFor<TName>, request: TEnqueueRequest<TName>): Promise<void> {
  const { queue, name, data, opts } = toBulkJob(request);
  await queues[queue].add(name, data, opts);
}

/**
 * Many jobs in one Redis round trip per queue (BullMQ addBulk), with the same ids and defaults as
 * `enqueue`: a job already queued is not added twice. Every payload is validated before any is added.
 */
export async function enqueueMany<TName extends TJobName>(
  queues: TQueuesFor<TName>,
  requests: readonly TEnqueueRequest<TName>[],
): Promise<void> {
  const byQueue = new Map<TJobQueue<TName>, { name: string; data: unknown; opts: JobsOptions }[]>();
  for (const request of requests) {
    const { queue, ...job } = toBulkJob(request);
    const jobs = byQueue.get(queue) ?? [];
    jobs.push(job);
    byQueue.set(queue, jobs);
  }
  for (const [queue, jobs] of byQueue) await queues[queue].addBulk(jobs);
}
