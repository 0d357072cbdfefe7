import { UnrecoverableError, type Job } from 'bullmq';
import { isJobName, JOBS, type TJobName, type TJobPayload, type TJobsOfQueue } from './jobs';
import type { TQueueName } from './queue-names';

/** Handles one job: its payload already validated against the job's contract; `token` is the worker's lock (for moveToDelayed). */
export type TJobHandler<TName extends TJobName> = (payload: TJobPayload<TName>, job: Job, token?: string) => Promise<unknown>;

/** One handler per job of the catalogue. */
export type TJobHandlers = { [N in TJobName]: TJobHandler<N> };

/**
 * The BullMQ processor of one queue: the job's name picks its handler, its payload is validated
 * first. A name this queue does not know, or a payload that does not validate, will not get better
 * with retries: UnrecoverableError fails the job at once (it stays in Bull Board).
 */
export function createJobProcessor<TQueue extends TQueueName>(queue: TQueue, handlers: Pick<TJobHandlers, TJobsOfQueue<TQueue>>) {
  return async (job: Job, token?: string): Promise<unknown> => {
    if (!isJobName(job.name) || JOBS[job.name].queue !== queue) throw new UnrecoverableError(`unknown job ${job.name} on queue ${queue}`);
    const name = job.name as TJobsOfQueue<TQueue>;
    const parsed = JOBS[name].schema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid payload: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
    const handle = handlers[name] as TJobHandler<typeof name>;
    return handle(parsed.data as TJobPayload<typeof name>, job, token);
  };
}
