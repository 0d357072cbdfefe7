import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DATA_DIR_LOCK_FILE, lockDataDir } from './data-dir-lock';

const LOCK_MODULE = path.join(__dirname, 'data-dir-lock.ts');
const children: ChildProcess[] = [];
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cia-lock-'));

/** Another process holding `dir` until it is killed; resolves once it holds it. */
async function holdInAnotherProcess(dir: string): Promise<ChildProcess> {
  const code = `require(${JSON.stringify(LOCK_MODULE)}).lockDataDir(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => undefined, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    child.once('exit', (c) => reject(new Error(`lock holder exited with ${c}`)));
  });
  return child;
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

test('a DATA_DIR another live process holds is refused, naming the folder and the owner', async () => {
  const dir = tempDir();
  const owner = await holdInAnotherProcess(dir);
  expect(() => lockDataDir(dir)).toThrow(new RegExp(`^DATA_DIR ${dir} is in use by another ci-analyst process \\(pid ${owner.pid} `));
});

test('a lock left by a process that died is taken over', async () => {
  const dir = tempDir();
  const owner = await holdInAnotherProcess(dir);
  owner.kill('SIGKILL');
  await new Promise((r) => owner.once('exit', r));
  expect(JSON.parse(fs.readFileSync(path.join(dir, DATA_DIR_LOCK_FILE), 'utf8')).pid).toBe(owner.pid);
  const lock = lockDataDir(dir);
  expect(JSON.parse(fs.readFileSync(path.join(dir, DATA_DIR_LOCK_FILE), 'utf8')).pid).toBe(process.pid);
  lock.release();
});

test('one process may take its own lock again; the lock file goes with the last release', () => {
  const dir = tempDir();
  const first = lockDataDir(dir);
  const second = lockDataDir(dir);
  first.release();
  expect(fs.existsSync(path.join(dir, DATA_DIR_LOCK_FILE))).toBe(true);
  second.release();
  expect(fs.existsSync(path.join(dir, DATA_DIR_LOCK_FILE))).toBe(false);
});
