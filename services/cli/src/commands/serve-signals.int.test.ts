import fs from 'node:fs';
import path from 'node:path';
import { allGone, commandOf, spawnServe, type TServeRun } from '../testing/serve-process';

// Each test starts the real `npm start`: dev.cjs, the server, PGlite and a private redis-server.
jest.setTimeout(180_000);

let run: TServeRun | undefined;

afterEach(() => {
  run?.kill();
  run = undefined;
});

/** Starts `npm start` and returns it once ready, with every process it started. */
async function startNpm(): Promise<{ run: TServeRun; tree: number[] }> {
  run = await spawnServe('npm');
  await run.waitForLine(/ready: http:\/\/127\.0\.0\.1:\d+/);
  const tree = run.descendants();
  expect(tree.map(commandOf).filter((c) => c.startsWith('redis-server'))).toHaveLength(1);
  expect(tree.map(commandOf).filter((c) => c.includes('main.ts serve'))).toHaveLength(1);
  return { run, tree };
}

const lines = (r: TServeRun) => r.output().trimEnd().split('\n');
/** The last line, with the lines before it: when a stop goes wrong, the failure shows what was printed. */
const ending = (r: TServeRun) => ({ lastLine: r.lastLine(), before: lines(r).slice(-40) });
const indexOfLine = (r: TServeRun, pattern: RegExp) => lines(r).findIndex((l) => pattern.test(l));

test('kill <npm pid> stops npm, the server and its redis-server, and the last line says stopped', async () => {
  const { run: r, tree } = await startNpm();
  process.kill(r.pid, 'SIGTERM');
  const code = await r.exited;
  await allGone(tree);
  // The exit code with what was printed: a stop that goes wrong says why.
  expect({ code, ...ending(r) }).toMatchObject({ code: 0, lastLine: 'ci-analyst: stopped' });
  expect(r.output()).not.toMatch(/second SIG|exiting now/);
});

test.each<[NodeJS.Signals, string]>([
  ['SIGTERM', 'timeout 60 npm start: the signal to npm, then to its whole process group'],
  ['SIGINT', 'Ctrl-C: the terminal signals the whole foreground process group'],
])('%s as %s stops cleanly: work first, then the database, redis-server last', async (signal) => {
  const { run: r, tree } = await startNpm();
  if (signal === 'SIGTERM') process.kill(r.pid, signal);
  process.kill(-r.pid, signal);
  await r.exited;
  await allGone(tree);
  expect(r.output()).not.toMatch(/second SIG|exiting now/);
  expect(ending(r)).toMatchObject({ lastLine: 'ci-analyst: stopped' });
  const order = [/worker stopped/, /database closed/, /private redis-server stopped/, /^ci-analyst: stopped$/].map((p) =>
    indexOfLine(r, p),
  );
  expect(order.every((at) => at >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  // redis-server heard only its owner's SIGTERM, never the group's signal.
  const redisLog = fs.readFileSync(path.join(r.dataDir, 'redis', 'redis.log'), 'utf8');
  expect(redisLog).toMatch(/Received SIGTERM/);
  expect(redisLog).not.toMatch(/Received SIGINT/);
});
