import fs from 'node:fs';
import path from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { lockDataDir } from './data-dir-lock';
import { checkDatabaseUrl, describeConnectError, publicDatabaseUrl } from './database-url';
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
  /**
   * Connect once before returning, so a wrong DATABASE_URL fails at start-up with its cause
   * (default). False only for tests that want a database which fails later.
   */
  verify?: boolean;
};

/** How long the start-up connection may take before the host counts as unreachable. */
const VERIFY_TIMEOUT_MS = 10_000;

async function verifyConnection(url: string): Promise<void> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: VERIFY_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`cannot connect to the database at DATABASE_URL ${publicDatabaseUrl(url)}: ${describeConnectError(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const MIGRATIONS_FOLDER = path.resolve(__dirname, '..', 'drizzle');

/** The database as services see it, over a client that answers `select 1` for the health check. */
function databaseOf(
  kind: TDatabase['kind'],
  db: TDb,
  client: { query(text: string): Promise<unknown> },
  close: () => Promise<void>,
): TDatabase {
  return {
    db,
    kind,
    ping: async () => {
      await client.query('select 1');
    },
    close,
  };
}

async function openPostgres(url: string, options: TDatabaseOptions): Promise<TDatabase> {
  checkDatabaseUrl(url);
  if (options.verify !== false) await verifyConnection(url);
  const { Pool } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new Pool({ connectionString: url, max: options.maxConnections ?? 10 });
  // A restarting server kills idle clients; without a listener that error would crash the process.
  pool.on('error', () => undefined);
  return databaseOf('postgres', drizzle(pool, { schema }) as unknown as TDb, pool, () => pool.end());
}

/** PGlite is one process's files: its DATA_DIR is locked until close() (see data-dir-lock.ts). */
async function openPglite(dataDir: string): Promise<TDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  let dir = 'memory://';
  const lock = dataDir.startsWith('memory://') ? undefined : lockDataDir(dataDir);
  if (lock) {
    dir = path.resolve(dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
  }
  let client: InstanceType<typeof PGlite>;
  try {
    client = await PGlite.create(dir);
  } catch (err) {
    lock?.release();
    throw err;
  }
  const close = async () => {
    try {
      await client.close();
    } finally {
      lock?.release();
    }
  };
  return databaseOf('pglite', drizzle(client, { schema }) as unknown as TDb, client, close);
}

/** Opens PostgreSQL through node-postgres, or embedded PGlite when no URL is given. */
export async function openDatabase(options: TDatabaseOptions): Promise<TDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options.dataDir ?? './.data');
}
