import type { Queue } from 'bullmq';
import { parseExpression } from 'cron-parser';
import { JOBS } from './jobs';

/** The one scheduler of the incident digest on the post-back queue: every worker process upserts this id. */
export const DIGEST_SCHEDULER_ID = 'incidents-digest';

/** A digest asked for without a schedule covers this long. */
const DEFAULT_PERIOD_MS = 24 * 3600_000;

/**
 * Makes the digest's job scheduler match DIGEST_SCHEDULE: upserted (created, or its pattern
 * replaced) when a schedule is set, removed when it is not. BullMQ keeps one scheduler per id in
 * Redis and one job per due time, so every worker process of the pool may call this at start and
 * the digest is still produced once per period.
 */
export async function syncDigestScheduler(queue: Queue, schedule: string | undefined): Promise<'scheduled' | 'removed' | 'off'> {
  if (!schedule) return (await queue.removeJobScheduler(DIGEST_SCHEDULER_ID)) ? 'removed' : 'off';
  const definition = JOBS['incidents.digest'];
  await queue.upsertJobScheduler(
    DIGEST_SCHEDULER_ID,
    { pattern: schedule, tz: 'UTC' },
    { name: 'incidents.digest', data: {}, opts: definition.options },
  );
  return 'scheduled';
}

/**
 * The period a digest ending at `end` covers: since the schedule's previous due time (so
 * consecutive digests neither overlap nor leave gaps), or the last 24 hours without a schedule.
 */
export function digestPeriod(schedule: string | undefined, end: Date): { start: Date; end: Date } {
  if (!schedule) return { start: new Date(end.getTime() - DEFAULT_PERIOD_MS), end };
  // prev() is strictly before `end`: at a due time, the one before it.
  const previous = parseExpression(schedule, { currentDate: end, tz: 'UTC' }).prev();
  return { start: previous.toDate(), end };
}
