import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import IORedis from 'ioredis';
import { isProcessAlive } from '@cia/db';
import { freePort, waitForServer } from '@cia/logger';

export type TPrivateRedis = { url: string; stop(): Promise<void> };

const PID_FILE = 'redis-server.pid';

/** Whether Redis at `url` answers a PING. */
async function redisAnswers(url: string): Promise<boolean> {
  const client = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    // QUIT, not disconnect(): Redis closes the connection itself. disconnect() arms a 2-second
    // timer that only the socket's 'close' clears, so on a socket already closed (a refused
    // connection) it held the process open for 2 s after its last test.
    await client.quit();
    return true;
  } catch {
    if (client.status !== 'end') client.disconnect();
    return false;
  }
}

/**
 * A redis-server an earlier run left behind (it was killed with SIGKILL, so it could not stop its
 * child): two servers appending to one AOF lose data, so it is stopped first. Only a process that
 * is still a redis-server counts; a pid reused by something else is left alone.
 */
async function stopLeftover(dir: string): Promise<void> {
  const pidFile = path.join(dir, PID_FILE);
  const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : NaN);
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return;
  const command = spawnSync('ps', ['-p', String(pid), '-o', 'comm='], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!command.startsWith('redis-server')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isProcessAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * A redis-server child for the single-machine start: loopback only, AOF on so queued jobs
 * survive a restart, data under DATA_DIR/redis. It runs in its own process group, so a Ctrl-C
 * or a `kill` of the whole group does not stop it before the work that needs it is finished:
 * its owner stops it last (and, if the owner exits abruptly, on exit).
 */
export async function startPrivateRedis(dataDir: string, options: { port?: number } = {}): Promise<TPrivateRedis & { port: number }> {
  const which = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (which.error) {
    throw new Error(
      'REDIS_URL is not set and no redis-server is on PATH: install Redis (e.g. apt-get install redis-server) or set REDIS_URL',
    );
  }
  const dir = path.resolve(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  await stopLeftover(dir);
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      '--protected-mode',
      'yes',
      '--logfile',
      path.join(dir, 'redis.log'),
      '--pidfile',
      path.join(dir, PID_FILE),
    ],
    { stdio: 'ignore', detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitForServer(child, () => redisAnswers(url), { name: 'redis-server', timeoutMs: 10_000, intervalMs: 100 });
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  return {
    url,
    port,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
