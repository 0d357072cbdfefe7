import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR_LOCK_FILE, isProcessAlive } from '@cia/db';
import { allGone, commandOf, runCli, spawnServe, tempDataDir, type TServeRun } from '../testing/serve-process';

jest.setTimeout(180_000);

const runs: TServeRun[] = [];

afterEach(() => {
  for (const r of runs.splice(0)) r.kill();
});

async function start(via: 'npm' | 'node', env: Record<string, string> = {}): Promise<TServeRun> {
  const r = await spawnServe(via, env);
  runs.push(r);
  return r;
}

const serverPid = (r: TServeRun) => r.descendants().find((p) => commandOf(p).includes('main.ts serve')) ?? r.pid;

test('a second npm start on the same DATA_DIR refuses naming it, db-status says it is in use, and nothing is lost', async () => {
  const first = await start('npm');
  await first.waitForLine(/ready: http/);
  const requestIds: string[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await fetch(`http://127.0.0.1:${first.port}/test/webhook/custom`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ project_id: 7, pipeline_id: 9100 + i }),
    });
    expect(res.status).toBe(202);
    requestIds.push(((await res.json()) as { request_id: string }).request_id);
  }

  const second = await start('npm', { DATA_DIR: first.dataDir });
  // Before the fix the second one started (and wrote to the same files): it must exit instead.
  const outcome = await Promise.race([
    second.exited.then((code) => `exited with ${code}`),
    second.waitForLine(/ready: http/).then(() => 'started'),
  ]);
  expect(outcome).toMatch(/^exited with [1-9]/);
  expect(second.output()).toContain(`DATA_DIR ${first.dataDir} is in use by another ci-analyst process (pid ${serverPid(first)} `);
  expect(second.output()).not.toMatch(/started private redis-server/);

  const busy = await runCli(['db-status', '--json'], { DATA_DIR: first.dataDir });
  expect(busy.code).not.toBe(0);
  expect(busy.stderr).toContain(`DATA_DIR ${first.dataDir} is in use by another ci-analyst process`);
  expect(busy.stdout).toBe('');

  process.kill(first.pid, 'SIGTERM');
  await first.exited;
  expect(first.lastLine()).toBe('ci-analyst: stopped');
  expect(fs.existsSync(path.join(first.dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
  const status = await runCli(['db-status', '--json'], { DATA_DIR: first.dataDir });
  expect(status.code).toBe(0);
  const tables = (JSON.parse(status.stdout) as { tables: { name: string; rows: number }[] }).tables;
  expect(tables.find((t) => t.name === 'analyses')?.rows).toBe(requestIds.length);
});

test('after a SIGKILL the next start takes over the stale lock and stops the redis-server left behind', async () => {
  const killed = await start('node');
  await killed.waitForLine(/ready: http/);
  const leftover = Number(fs.readFileSync(path.join(killed.dataDir, 'redis', 'redis-server.pid'), 'utf8'));
  process.kill(killed.pid, 'SIGKILL');
  await killed.exited;
  expect(isProcessAlive(leftover)).toBe(true);
  expect(fs.existsSync(path.join(killed.dataDir, DATA_DIR_LOCK_FILE))).toBe(true);

  const next = await start('node', { DATA_DIR: killed.dataDir });
  await next.waitForLine(/ready: http/);
  expect(isProcessAlive(leftover)).toBe(false);
  const tree = next.descendants();
  process.kill(next.pid, 'SIGTERM');
  expect(await next.exited).toBe(0);
  await allGone(tree);
  expect(next.lastLine()).toBe('ci-analyst: stopped');
});

test('db-status on a DATA_DIR nobody uses reads it', async () => {
  const dataDir = tempDataDir();
  expect((await runCli(['db-create'], { DATA_DIR: dataDir })).code).toBe(0);
  const status = await runCli(['db-status', '--json'], { DATA_DIR: dataDir });
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ kind: 'pglite', missing: [] });
  expect(fs.existsSync(path.join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
});
