import { and, eq, gte, sql } from 'drizzle-orm';
import type { TAnalysisResult } from '@cia/contracts';
import type { TDb } from '../client';
import { fingerprints } from '../schema';

export type TStoredResult = { result: TAnalysisResult; storedAt: Date; hits: number; analysisId: number | null };

/**
 * The result stored for a fingerprint within the TTL, counting the hit. `last_seen_at` holds the
 * time the result was stored: hits do not move it, so a popular answer still expires.
 */
export async function findCachedResult(
  db: TDb,
  fingerprint: string,
  ttlHours: number,
  now: Date = new Date(),
): Promise<TStoredResult | null> {
  const cutoff = new Date(now.getTime() - ttlHours * 3_600_000);
  const [row] = await db
    .update(fingerprints)
    .set({ hits: sql`${fingerprints.hits} + 1` })
    .where(and(eq(fingerprints.fingerprint, fingerprint), gte(fingerprints.lastSeenAt, cutoff)))
    .returning();
  if (!row) return null;
  return { result: row.result, storedAt: row.lastSeenAt, hits: row.hits, analysisId: row.analysisId };
}

/** Stores (or replaces) the result of a fingerprint. */
export async function storeCachedResult(
  db: TDb,
  entry: { fingerprint: string; result: TAnalysisResult; analysisId?: number | null },
  now: Date = new Date(),
): Promise<void> {
  const values = { result: entry.result, category: entry.result.category, analysisId: entry.analysisId ?? null, lastSeenAt: now };
  await db
    .insert(fingerprints)
    .values({ fingerprint: entry.fingerprint, ...values })
    .onConflictDoUpdate({ target: fingerprints.fingerprint, set: values });
}

/** The analyzer's result cache (`TResultCache` of @cia/ai), kept in the fingerprints table. */
export function createFingerprintCache(db: TDb) {
  return {
    find: (fingerprint: string, ttlHours: number, now: Date) => findCachedResult(db, fingerprint, ttlHours, now),
    store: (entry: { fingerprint: string; result: TAnalysisResult; analysisId?: number | null }, now: Date) =>
      storeCachedResult(db, entry, now),
  };
}
