import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The lock file inside DATA_DIR: while it names a live process, nobody else opens the folder. */
export const DATA_DIR_LOCK_FILE = 'ci-analyst.lock';

export type TDataDirLock = { release(): void };
type TOwner = { pid: number; host: string; since: string };

/** Locks this process holds: the same process may take its own lock again (serve, then its database). */
const held = new Map<string, { count: number }>();

function readOwner(file: string): TOwner | undefined | 'unreadable' {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<TOwner>;
    return typeof owner.pid === 'number' ? (owner as TOwner) : 'unreadable';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : 'unreadable';
  }
}

/**
 * Whether a process runs. A zombie (exited, not yet reaped: its parent died too and the container's
 * first process does not reap) still answers signal 0, so /proc decides where there is one.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Whether the recorded owner still runs: its pid is alive on this host and is not this process. */
function ownerAlive(owner: TOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  return owner.pid !== process.pid && isProcessAlive(owner.pid);
}

/** Creates the lock file with its content in one step: a link fails when the name exists. */
function tryCreate(file: string): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }));
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Moves a dead owner's lock aside. The rename is atomic, so of two processes taking over the same
 * stale lock only one moves it; if what it moved turns out to be a live lock (taken in between),
 * it is put back.
 */
function takeOver(file: string): void {
  const aside = `${file}.stale.${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readOwner(aside);
  if (typeof moved === 'object' && ownerAlive(moved)) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // another process locked it meanwhile: that one holds the folder now
    }
  }
  fs.rmSync(aside, { force: true });
}

function inUse(dir: string, file: string, owner: TOwner): Error {
  return new Error(
    `DATA_DIR ${dir} is in use by another ci-analyst process (pid ${owner.pid} on ${owner.host}, since ${owner.since}): ` +
      `stop it first or set DATA_DIR to another folder (if no such process runs, delete ${file})`,
  );
}

/**
 * Takes DATA_DIR for this process, or throws naming it and its owner. Two processes on one folder
 * would open the same PGlite files and start two redis-servers on one AOF, and lose data. A lock
 * left by a process that died is taken over.
 */
export function lockDataDir(dataDir: string): TDataDirLock {
  const dir = path.resolve(dataDir);
  const file = path.join(dir, DATA_DIR_LOCK_FILE);
  const mine = held.get(file);
  if (mine) mine.count++;
  else {
    fs.mkdirSync(dir, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      if (tryCreate(file)) break;
      const owner = readOwner(file);
      if (typeof owner === 'object' && ownerAlive(owner)) throw inUse(dir, file, owner);
      if (attempt >= 3) throw new Error(`DATA_DIR ${dir}: could not take the lock ${file}`);
      if (owner !== undefined) takeOver(file);
    }
    held.set(file, { count: 1 });
    releaseAllOnExit();
  }
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const entry = held.get(file);
      if (!entry || --entry.count > 0) return;
      held.delete(file);
      removeIfMine(file);
    },
  };
}

function removeIfMine(file: string): void {
  const owner = readOwner(file);
  if (typeof owner === 'object' && owner.pid === process.pid && owner.host === os.hostname()) fs.rmSync(file, { force: true });
}

let exitHook = false;
/** process.exit() (a forced shutdown, a failed start) skips every release: the folder is freed anyway. */
function releaseAllOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const file of held.keys()) removeIfMine(file);
  });
}
