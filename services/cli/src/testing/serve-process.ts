import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from '@cia/db';
import { freePort } from '@cia/logger';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI_MAIN = path.join(REPO_ROOT, 'services/cli/src/main.ts');

export type TServeRun = {
  /** The process spawned: npm, or node running the CLI. Leader of its own process group. */
  pid: number;
  port: number;
  dataDir: string;
  exited: Promise<number | null>;
  /** Everything it and its children wrote (stdout and stderr in the order written). */
  output(): string;
  lastLine(): string;
  /** Resolves with the first line matching, rejects when the process exits before one appears. */
  waitForLine(pattern: RegExp): Promise<string>;
  /** Its live descendants (npm's shell, dev.cjs, the server, redis-server, esbuild). */
  descendants(): number[];
  /** SIGKILL to the group and every descendant, for cleanup after a failed test. */
  kill(): void;
};

export const tempDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cia-serve-'));

/** The settings every run gets: nothing from this process's environment but PATH and HOME. */
function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), LOG_LEVEL: 'info', HOST: '127.0.0.1' };
}

/** Parent of each live process, from /proc (Linux). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') out.set(Number(name), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export function descendantsOf(root: number): number[] {
  const byParent = parents();
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [pid, ppid] of byParent) {
      if (ppid === p && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

export const commandOf = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
};

/** Waits until none of `pids` runs any more (the test's timeout bounds the wait). */
export async function allGone(pids: number[]): Promise<void> {
  while (pids.some(isProcessAlive)) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Runs `npm start` (via 'npm') or `node --import tsx services/cli/src/main.ts serve` (via 'node')
 * as a real process group on a free port, with `env` on top of a minimal environment.
 */
export async function spawnServe(via: 'npm' | 'node', env: Record<string, string> = {}): Promise<TServeRun> {
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cia-serve-log-')), 'output.log');
  const fd = fs.openSync(logFile, 'a');
  const [cmd, args] = via === 'npm' ? ['npm', ['start']] : [process.execPath, ['--import', 'tsx', CLI_MAIN, 'serve']];
  const child = spawn(cmd, args, {
    cwd: REPO_ROOT,
    env: { ...baseEnv(), DATA_DIR: dataDir, PORT: String(port), ...env },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  fs.closeSync(fd);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const pid = child.pid!;
  const output = () => fs.readFileSync(logFile, 'utf8');
  let known: number[] = [];
  return {
    pid,
    port,
    dataDir,
    exited,
    output,
    lastLine: () => output().trimEnd().split('\n').pop() ?? '',
    async waitForLine(pattern) {
      for (;;) {
        const line = output()
          .split('\n')
          .find((l) => pattern.test(l));
        if (line) return line;
        if (done) throw new Error(`exited before a line matched ${pattern}:\n${output()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    descendants: () => (known = [...new Set([...known, ...descendantsOf(pid)])]).filter(isProcessAlive),
    kill() {
      const all = [...known, ...descendantsOf(pid)];
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
      for (const p of all) if (isProcessAlive(p)) process.kill(p, 'SIGKILL');
    },
  };
}

/** `npm run cli -- <args>` without npm: the CLI's exit code and everything it printed. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI_MAIN, ...args],
      { cwd: REPO_ROOT, env: { ...baseEnv(), ...env } },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}
