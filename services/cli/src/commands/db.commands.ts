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

/** A command that deletes all data: refused (exit 2) without --yes. */
function registerDestructive(
  program: Command,
  name: string,
  description: string,
  what: string,
  run: (db: TDatabase) => Promise<void>,
): void {
  program
    .command(name)
    .description(`${description} (needs --yes)`)
    .option('--yes', 'confirm that all data is deleted')
    .action((opts: { yes?: boolean }) => {
      if (!opts.yes) {
        process.stderr.write(`Refusing to ${what} without --yes (this deletes all data).\n`);
        process.exit(2);
      }
      return withDatabase(run);
    });
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
  registerDestructive(program, 'db-drop', 'drop every table', 'drop the database tables', async (db) => {
    await dropAllTables(db);
    process.stdout.write('All tables dropped.\n');
  });
  registerDestructive(program, 'db-recreate', 'drop and recreate every table', 'recreate the database tables', async (db) => {
    await dropAllTables(db);
    await applyMigrations(db);
    process.stdout.write('All tables dropped and recreated.\n');
  });
}
