import { and, count, eq, sql } from 'drizzle-orm';
import type { TDb } from '../client';
import { mailCursors, processedEmails } from '../schema';

export type TProcessedEmailInsert = typeof processedEmails.$inferInsert;
export type TProcessedEmailRow = typeof processedEmails.$inferSelect;
/** A folder's position; `account` (`user@host:port`) keeps two mailboxes with one folder name apart. */
export type TMailCursor = { account?: string; folder: string; uidValidity: string; lastUid: number };

/** Records a processed email; returns false when its Message-ID was recorded before. */
export async function recordProcessedEmail(db: TDb, email: TProcessedEmailInsert): Promise<boolean> {
  const rows = await db
    .insert(processedEmails)
    .values(email)
    .onConflictDoNothing({ target: processedEmails.messageId })
    .returning({ id: processedEmails.id });
  return rows.length > 0;
}

export async function findProcessedEmail(db: TDb, messageId: string): Promise<TProcessedEmailRow | undefined> {
  const [row] = await db.select().from(processedEmails).where(eq(processedEmails.messageId, messageId)).limit(1);
  return row;
}

export async function listProcessedEmails(db: TDb, filter: { folder?: string } = {}): Promise<TProcessedEmailRow[]> {
  const q = db.select().from(processedEmails);
  return (filter.folder ? q.where(eq(processedEmails.folder, filter.folder)) : q).orderBy(processedEmails.id);
}

export async function countProcessedEmails(db: TDb): Promise<Record<string, number>> {
  const rows = await db.select({ outcome: processedEmails.outcome, n: count() }).from(processedEmails).groupBy(processedEmails.outcome);
  return Object.fromEntries(rows.map((r) => [r.outcome, Number(r.n)]));
}

export async function getMailCursor(db: TDb, folder: string, account = ''): Promise<TMailCursor | undefined> {
  const [row] = await db
    .select()
    .from(mailCursors)
    .where(and(eq(mailCursors.account, account), eq(mailCursors.folder, folder)))
    .limit(1);
  return row ? { account: row.account, folder: row.folder, uidValidity: row.uidValidity, lastUid: row.lastUid } : undefined;
}

/**
 * Moves the folder's cursor forward (never back, so a slow concurrent writer cannot rewind it);
 * a new UIDVALIDITY replaces the cursor outright because old UIDs mean nothing any more.
 */
export async function saveMailCursor(db: TDb, cursor: TMailCursor): Promise<void> {
  await db
    .insert(mailCursors)
    .values({ ...cursor, account: cursor.account ?? '', updatedAt: new Date() })
    .onConflictDoUpdate({
      target: [mailCursors.account, mailCursors.folder],
      set: {
        uidValidity: cursor.uidValidity,
        lastUid: sql`CASE WHEN ${mailCursors.uidValidity} = ${cursor.uidValidity} THEN GREATEST(${mailCursors.lastUid}, ${cursor.lastUid}) ELSE ${cursor.lastUid} END`,
        updatedAt: new Date(),
      },
    });
}
