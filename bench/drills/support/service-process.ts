import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WORKER_NODE_FLAGS } from '@cia/worker/node-flags';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export type TServiceProcess = {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The last lines the process wrote to stderr/stdout, for diagnostics. */
  output(): string;
  /** Resident set size in kB from /proc, or undefined once it is gone. */
  rssKb(): number | undefined;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
};

/**
 * Runs a service entry point as a real child process (`node --import tsx <entry>`), the way
 * `npm start` and the container run it; settings come only from `env` (no .env, no parent env).
 */
export function spawnService(name: string, entry: string, env: Record<string, string>, nodeArgs: string[] = []): TServiceProcess {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A drill that dies must not leave workers behind.
  const reap = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  void exited.then(() => process.removeListener('exit', reap));
  return {
    name,
    pid: child.pid ?? -1,
    child,
    exited,
    output: () => tail,
    rssKb: () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const m = /VmRSS:\s+(\d+)/.exec(status);
        return m ? Number(m[1]) : undefined;
      } catch {
        return undefined;
      }
    },
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A worker process with the Node flags production gives it (see WORKER_NODE_FLAGS). */
export const spawnWorker = (name: string, env: Record<string, string>, nodeArgs: string[] = []) =>
  spawnService(name, 'services/worker/src/main.ts', env, [...WORKER_NODE_FLAGS, ...nodeArgs]);

export const spawnIngest = (name: string, env: Record<string, string>, nodeArgs: string[] = []) =>
  spawnService(name, 'services/ingest/src/main.ts', env, nodeArgs);

/** CPU seconds (user + system) a process has used so far, from /proc; 0 when unreadable. */
export function readCpuSeconds(pid: number, options: { withExitedChildren?: boolean } = {}): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the command name;
    // cutime and cstime (16, 17) what its children used that have exited and were waited for.
    const own = Number(fields[11]) + Number(fields[12]);
    return (options.withExitedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used so far by every process with this command name (PostgreSQL's backends, Redis),
 * the exited children of each included (a backend whose connection closed): the database's share.
 */
export function cpuOfCommand(name: string): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name) total += readCpuSeconds(Number(pid), { withExitedChildren: true });
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Busy and total jiffies of the whole machine, from /proc/stat. */
export function readMachineCpu(): { busy: number; total: number } {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    const total = v.reduce((s, x) => s + x, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}
