import { sql } from 'drizzle-orm';
import type { TDatabase } from './client';
import { MIGRATIONS_FOLDER } from './client';

/** Applies the drizzle-kit migrations committed in packages/db/drizzle. Safe to run repeatedly. */
export async function applyMigrations(database: TDatabase): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    // Several processes may start together (compose replicas): serialise them on an advisory lock.
    await database.db.execute(sql`select pg_advisory_lock(727272)`);
    try {
      await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    } finally {
      await database.db.execute(sql`select pg_advisory_unlock(727272)`);
    }
    return;
  }
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
}

export const APP_TABLES = [
  'incident_occurrences',
  'incidents',
  'posted_notes',
  'mail_cursors',
  'fingerprints',
  'processed_emails',
  'webhook_deliveries',
  'analysis_jobs',
  'analyses',
] as const;

/** Drops every table of ours and drizzle's migration journal (cli db-drop). */
export async function dropAllTables(database: TDatabase): Promise<void> {
  for (const table of APP_TABLES) await database.db.execute(sql.raw(`drop table if exists "${table}" cascade`));
  await database.db.execute(sql.raw('drop schema if exists drizzle cascade'));
}

export type TDbStatus = { tables: { name: string; rows: number }[]; missing: string[]; migrationsApplied: number };

/** Which of our tables exist, with row counts, and how many migrations ran (cli db-status). */
export async function databaseStatus(database: TDatabase): Promise<TDbStatus> {
  const existing = await database.db.execute<{ table_name: string }>(
    sql`select table_name from information_schema.tables where table_schema = 'public'`,
  );
  const names = new Set(rowsOf<{ table_name: string }>(existing).map((r) => r.table_name));
  const tables: { name: string; rows: number }[] = [];
  for (const name of APP_TABLES) {
    if (!names.has(name)) continue;
    const count = await database.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from "${name}"`));
    tables.push({ name, rows: Number(rowsOf<{ n: number }>(count)[0]?.n ?? 0) });
  }
  let migrationsApplied = 0;
  try {
    const m = await database.db.execute<{ n: number }>(sql.raw('select count(*)::int as n from drizzle.__drizzle_migrations'));
    migrationsApplied = Number(rowsOf<{ n: number }>(m)[0]?.n ?? 0);
  } catch {
    migrationsApplied = 0;
  }
  return { tables, missing: APP_TABLES.filter((t) => !names.has(t)), migrationsApplied };
}

/** node-postgres returns {rows}, PGlite returns {rows} too; keep the access in one place. */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] } | T[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}
