import type { TDb } from '../client';
import { analyses, webhookDeliveries } from '../schema';
import { newAnalysis, type TRegisterFailureInput } from './analyses.repo';

/** What to record about the delivery that carried the failure, written with the analysis. */
export type TDeliveryRecord = Omit<typeof webhookDeliveries.$inferInsert, 'outcome' | 'requestId' | 'reason' | 'id'>;

export type TFirstFailure = { input: TRegisterFailureInput; delivery?: TDeliveryRecord };
export type TFirstAnalysis = { analysisId: number; requestId: string };

export type TInsertOptions = {
  /**
   * Write the analyses already marked enqueued: the caller adds the jobs to Redis right after the
   * commit and puts the analyses back in the outbox (clearEnqueued) when that fails. Redis nearly
   * always takes the job, so this spares a second write of every row.
   */
  presumeEnqueued?: boolean;
};

/**
 * The common case of intake: the first failure of each pipeline (generation 1), with the delivery
 * that carried it, for a whole batch in one transaction (one commit). An item gets undefined when
 * its pipeline already has an analysis (or an earlier item of the batch took it): the caller then
 * applies the full dedup rule (registerFailure) and records that delivery itself.
 */
export async function insertFirstAnalyses(db: TDb, items: TFirstFailure[], options: TInsertOptions = {}): Promise<(TFirstAnalysis | undefined)[]> {
  if (items.length === 0) return [];
  const enqueuedAt = options.presumeEnqueued ? new Date() : null;
  const rows = items.map(({ input }) => ({ ...newAnalysis(input, 1), enqueuedAt }));
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(analyses)
      .values(rows)
      .onConflictDoNothing({ target: analyses.dedupKey })
      .returning({ id: analyses.id, requestId: analyses.requestId });
    const created = new Map(inserted.map((r) => [r.requestId, r.id]));
    const deliveries = items.flatMap(({ delivery }, i) => {
      const requestId = rows[i]!.requestId;
      return delivery && created.has(requestId) ? [{ ...delivery, outcome: 'accepted' as const, requestId }] : [];
    });
    if (deliveries.length > 0) await tx.insert(webhookDeliveries).values(deliveries).onConflictDoNothing({ target: webhookDeliveries.idempotencyKey });
    return rows.map(({ requestId }) => {
      const analysisId = created.get(requestId);
      return analysisId === undefined ? undefined : { analysisId, requestId };
    });
  });
}
