import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '../testing';
import { answerWorkerQueries, type TWorkerAnswers } from './worker-queries.test-fixture';

async function answersOnPostgres(): Promise<TWorkerAnswers> {
  const database = await createTestDatabase('worker_queries');
  try {
    return await answerWorkerQueries(database);
  } finally {
    await database.drop();
  }
}

/** PGlite's WASM needs the real Node runtime (tsx), not jest's module sandbox. */
async function answersOnPglite(): Promise<TWorkerAnswers> {
  const tsx = require.resolve('tsx/cli');
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, path.join(__dirname, 'worker-queries.pglite-run.ts')]);
  return JSON.parse(stdout) as TWorkerAnswers;
}

const ENGINES: [string, () => Promise<TWorkerAnswers>][] = [
  ['PostgreSQL', answersOnPostgres],
  ['PGlite', answersOnPglite],
];

describe.each(ENGINES)("the worker's prepared statements on %s", (_name, answer) => {
  let a: TWorkerAnswers;
  beforeAll(async () => {
    a = await answer();
  }, 60_000);

  test('a claim marks the analysis running, one attempt each, until it is finished; no analysis, no claim', () => {
    expect(a.claims).toEqual([
      { claimed: true, status: 'running', attempts: 1 },
      { claimed: true, status: 'running', attempts: 2 },
    ]);
    expect(a.finished).toEqual({ claimed: false, status: 'failed' });
    expect(a.missing).toBe(true);
  });

  test('the history counts answer for every shape of change, each statement run again with other values', () => {
    expect(a.sameCommit).toEqual([1, 2, 0]);
    // Changes: mr 1 (ref a), mr 2 (ref b), ref c; the change itself is never counted.
    expect(a.intermittent).toEqual([2, 2, 2, 3, 0]);
  });

  test('the history counts are bounded: same-commit failures stop at the cap, intermittency reads the newest failures only', () => {
    expect(a.bounded).toEqual({ capped: true, hidden: 0, newest: 1 });
  });

  test('the incident of a fingerprint is found with its counts and times; an unknown one is not', () => {
    expect(a.incident).toEqual([{ occurrences: 4, title: 'AssertionError', lastSeenIsDate: true }, null]);
  });
});
