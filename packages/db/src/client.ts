import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type TSchema = typeof schema;
/** The one database type services use, whether pg or PGlite sits behind it. */
export type TDb = PgDatabase<PgQueryResultHKT, TSchema>;

export type TDatabase = {
  db: TDb;
  kind: 'postgres' | 'pglite';
  /** Runs a raw SQL statement (health checks, tests). */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type TDatabaseOptions = {
  /** PostgreSQL URL; when unset an embedded PGlite database is opened under dataDir. */
  databaseUrl?: string;
  dataDir?: string;
  /** Pool size for pg. */
  maxConnections?: number;
};

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '..', 'drizzle');

/** Opens PostgreSQL through node-postgres, or embedded PGlite when no URL is given. */
export async function openDatabase(options: TDatabaseOptions): Promise<TDatabase> {
  if (options.databaseUrl) {
    const { Pool } = await import('pg');
    const { drizzle } = await import('drizzle-orm/node-postgres');
    const pool = new Pool({ connectionString: options.databaseUrl, max: options.maxConnections ?? 10 });
    // A restarting server kills idle clients; without a listener that error would crash the process.
    pool.on('error', () => undefined);
    const db = drizzle(pool, { schema }) as unknown as TDb;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await pool.query('select 1');
      },
      close: () => pool.end(),
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const dataDir = options.dataDir ?? './.data';
  let dir = 'memory://';
  if (!dataDir.startsWith('memory://')) {
    dir = path.resolve(dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
  }
  const client = await PGlite.create(dir);
  const db = drizzle(client, { schema }) as unknown as TDb;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: () => client.close(),
  };
}
