import crypto from 'node:crypto';
import net from 'node:net';
import { TEST_ADMIN_URL } from '@cia/db/testing';
import { freePort } from '@cia/logger';
import { spawnServe, type TServeRun } from '../testing/serve-process';

jest.setTimeout(180_000);

const runs: TServeRun[] = [];

afterEach(() => {
  for (const r of runs.splice(0)) r.kill();
});

async function serve(env: Record<string, string>): Promise<TServeRun> {
  const r = await spawnServe('node', env);
  runs.push(r);
  return r;
}

function missingDatabaseUrl(): string {
  const u = new URL(TEST_ADMIN_URL);
  u.pathname = `/cia_missing_${crypto.randomBytes(4).toString('hex')}`;
  return u.toString();
}

test.each([
  ['garbage', async () => 'garbage', /DATABASE_URL is not a URL/],
  [
    'a closed port',
    async () => `postgres://postgres:db-pw@127.0.0.1:${await freePort()}/app`,
    /DATABASE_URL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/app: connection refused/,
  ],
  ['a missing database', async () => missingDatabaseUrl(), /DATABASE_URL .*database "cia_missing_\w+" does not exist/],
  ['a MySQL URL', async () => 'mysql://app:db-pw@127.0.0.1:3306/app', /DATABASE_URL must be a PostgreSQL URL .*not mysql:\/\//],
])('a DATABASE_URL that is %s stops the start with one line naming DATABASE_URL and the cause', async (_name, url, cause) => {
  const r = await serve({ DATABASE_URL: await url() });
  expect(await r.exited).toBe(1);
  const out = r.output();
  expect(r.lastLine()).toMatch(/^ci-analyst: failed to start: /);
  expect(r.lastLine()).toMatch(cause);
  expect(out).not.toMatch(/Failed query|pg_advisory_lock/);
  expect(out).not.toContain('db-pw');
  expect(out).not.toMatch(/started private redis-server/);
});

test('an unreachable REDIS_URL is said once (no password); Bull Board and health answer; stopping still works', async () => {
  // Stands in for a Redis that is down and counts how often the server tries it.
  let attempts = 0;
  const refuser = net.createServer((socket) => {
    attempts++;
    socket.resetAndDestroy();
  });
  refuser.listen(0, '127.0.0.1');
  await new Promise((r) => refuser.once('listening', r));
  const redisPort = (refuser.address() as net.AddressInfo).port;
  try {
    const r = await serve({ REDIS_URL: `redis://:redis-pw@127.0.0.1:${redisPort}` });
    await r.waitForLine(/ready: http/);
    const base = `http://127.0.0.1:${r.port}`;
    const board = await fetch(`${base}/admin/queues/api/queues`);
    expect(board.status).toBe(503);
    expect(((await board.json()) as { error: { message: string } }).error.message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is down/);
    const health = await fetch(`${base}/health/detailed`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { components: { redis: { detail: string } } }).components.redis.detail).toMatch(/is down/);
    // Several rounds of reconnection by every connection (ingest, worker, its blocking clients).
    const seen = attempts;
    while (attempts < seen + 16) await new Promise((res) => setTimeout(res, 100));
    process.kill(r.pid, 'SIGTERM');
    expect(await r.exited).toBe(0);
    const out = r.output();
    expect(out.match(/Redis at redis:\/\/127\.0\.0\.1:\d+ is down/g)).toHaveLength(1);
    expect(out).not.toMatch(/ECONNRESET.*\n.*ECONNRESET/);
    expect(out).not.toMatch(/worker error/);
    expect(out).not.toContain('redis-pw');
    expect(r.lastLine()).toBe('ci-analyst: stopped');
  } finally {
    refuser.close();
  }
});
