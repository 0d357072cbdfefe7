import type { Command } from 'commander';
import { loadConfig } from '@cia/config';
import { applyMigrations, databaseStatus, dropAllTables, openDatabase, type TDatabase } from '@cia/db';

async function withDatabase<T>(fn: (db: TDatabase) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, maxConnections: 2 });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

function requireYes(opts: { yes?: boolean }, what: string): void {
  if (!opts.yes) {
    process.stderr.write(`Refusing to ${what} without --yes (this deletes all data).\n`);
    process.exit(2);
  }
}

export function registerDbCommands(program: Command): void {
  program
    .command('db-create')
    .description('apply the database migrations (creates every table)')
    .action(() =>
      withDatabase(async (db) => {
        await applyMigrations(db);
        const s = await databaseStatus(db);
        process.stdout.write(`Database ready (${db.kind}): ${s.tables.length} tables, ${s.migrationsApplied} migration(s) applied.\n`);
      }),
    );
  program
    .command('db-status')
    .description('show the tables, their row counts and the migrations applied')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(async (db) => {
        const s = await databaseStatus(db);
        if (opts.json) process.stdout.write(`${JSON.stringify({ kind: db.kind, ...s })}\n`);
        else {
          process.stdout.write(`Database: ${db.kind}\nMigrations applied: ${s.migrationsApplied}\n`);
          for (const t of s.tables) process.stdout.write(`  ${t.name.padEnd(22)} ${t.rows} rows\n`);
          if (s.missing.length > 0) process.stdout.write(`Missing tables: ${s.missing.join(', ')} (run db-create)\n`);
        }
        if (s.missing.length > 0) process.exitCode = 3;
      }),
    );
  program
    .command('db-drop')
    .description('drop every table (needs --yes)')
    .option('--yes', 'confirm that all data is deleted')
    .action((opts: { yes?: boolean }) => {
      requireYes(opts, 'drop the database tables');
      return withDatabase(async (db) => {
        await dropAllTables(db);
        process.stdout.write('All tables dropped.\n');
      });
    });
  program
    .command('db-recreate')
    .description('drop and recreate every table (needs --yes)')
    .option('--yes', 'confirm that all data is deleted')
    .action((opts: { yes?: boolean }) => {
      requireYes(opts, 'recreate the database tables');
      return withDatabase(async (db) => {
        await dropAllTables(db);
        await applyMigrations(db);
        process.stdout.write('All tables dropped and recreated.\n');
      });
    });
}
