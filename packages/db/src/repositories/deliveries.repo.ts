import { eq } from 'drizzle-orm';
import type { TDb } from '../client';
import { webhookDeliveries } from '../schema';

export type TDeliveryInsert = typeof webhookDeliveries.$inferInsert;

/** Records a delivery; returns false when its idempotency key was seen before. */
export async function recordDelivery(db: TDb, delivery: TDeliveryInsert): Promise<boolean> {
  const rows = await db.insert(webhookDeliveries).values(delivery).onConflictDoNothing().returning({ id: webhookDeliveries.id });
  return rows.length > 0;
}

export async function findDeliveryByKey(db: TDb, idempotencyKey: string) {
  const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.idempotencyKey, idempotencyKey)).limit(1);
  return row;
}
