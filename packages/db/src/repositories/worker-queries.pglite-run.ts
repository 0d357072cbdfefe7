import { openDatabase } from '../client';
import { applyMigrations } from '../migrate';
import { answerWorkerQueries } from './worker-queries.test-fixture';

/** Runs the worker's prepared statements on in-memory PGlite (jest cannot load PGlite's WASM modules). */
async function main(): Promise<void> {
  const database = await openDatabase({ dataDir: 'memory://' });
  try {
    await applyMigrations(database);
    process.stdout.write(JSON.stringify(await answerWorkerQueries(database)));
  } finally {
    await database.close();
  }
}

void main().catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err));
  process.exitCode = 1;
});
