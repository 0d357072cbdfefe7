import { and, eq, isNull, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { incidentOccurrences } from '../schema';

/**
 * Takes the one retry an occurrence may get: marks it `pending` (no job yet) only when no retry
 * was ever asked for it and none was refused. False: another request got there first, so the job
 * is never retried twice, whatever BullMQ redelivers.
 */
export async function claimOccurrenceRetry(db: TDb, occurrenceId: number): Promise<boolean> {
  const claimed = await db
    .update(incidentOccurrences)
    .set({ retryStatus: 'pending', updatedAt: new Date() })
    .where(
      and(
        eq(incidentOccurrences.id, occurrenceId),
        isNull(incidentOccurrences.retryStatus),
        isNull(incidentOccurrences.retryJobId),
        sql`coalesce(${incidentOccurrences.facts} -> 'retryRefused', 'null'::jsonb) = 'null'::jsonb`,
      ),
    )
    .returning({ id: incidentOccurrences.id });
  return claimed.length === 1;
}

/**
 * GitLab refused the retry (403 without api scope, 404, …): the claim is dropped (no retry counts
 * in the stats) and the refusal kept in the occurrence's facts (`retryRefused`), so it is not asked again.
 */
export async function recordRetryRefused(
  db: TDb,
  occurrenceId: number,
  refusal: { status: number | null; message: string },
): Promise<void> {
  const refused = JSON.stringify({ ...refusal, at: new Date().toISOString() });
  await db
    .update(incidentOccurrences)
    .set({
      retryStatus: null,
      retryJobId: null,
      facts: sql`coalesce(${incidentOccurrences.facts}, '{}'::jsonb) || jsonb_build_object('retryRefused', ${refused}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(incidentOccurrences.id, occurrenceId));
}
