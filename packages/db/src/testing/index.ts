import crypto from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type TDatabase } from '../client';
import { applyMigrations } from '../migrate';
import type { TAnalysisCompletion } from '../repositories/analyses.repo';

export const TEST_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type TTestDatabase = TDatabase & { url: string | undefined; drop(): Promise<void> };

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated PostgreSQL database for one test file, dropped by `drop()`. Falls back to an
 * in-memory PGlite (and says so) only when no PostgreSQL answers, so `npm test` still runs on a
 * machine that has none.
 */
export async function createTestDatabase(label = 'test'): Promise<TTestDatabase> {
  const name = `cia_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: TEST_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    if (process.env.CI) throw err;
    process.stderr.write(`PostgreSQL not reachable at ${TEST_ADMIN_URL}; using in-memory PGlite for ${label}\n`);
    const db = await openDatabase({ dataDir: `memory://` });
    await applyMigrations(db);
    return { ...db, url: undefined, drop: () => db.close() };
  }
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(TEST_ADMIN_URL, name);
  const db = await openDatabase({ databaseUrl: url, maxConnections: 5 });
  await applyMigrations(db);
  return {
    ...db,
    url,
    drop: async () => {
      await db.close();
      const c = new Client({ connectionString: TEST_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A finished analysis with this result, as the offline analyzer completes one (no model, no tokens, no cost). */
export function offlineCompletion(result: TAnalysisCompletion['result']): TAnalysisCompletion {
  return {
    result,
    provider: 'offline',
    model: null,
    promptVersion: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    cacheHit: false,
    timings: {},
  };
}
