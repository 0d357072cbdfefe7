import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type IORedis from 'ioredis';
import { closeRedis, createRedisConnection } from './connection';
import { reportRedisOutages } from './redis-outage';

let refuser: net.Server;
let attempts = 0;
let port: number;
let redisServer: ChildProcess | undefined;
const connections: IORedis[] = [];

beforeAll(async () => {
  // Stands in for a Redis that is down: counts each connection attempt and resets it.
  refuser = net.createServer((socket) => {
    attempts++;
    socket.resetAndDestroy();
  });
  refuser.listen(0, '127.0.0.1');
  await new Promise((r) => refuser.once('listening', r));
  port = (refuser.address() as net.AddressInfo).port;
});

afterAll(async () => {
  for (const c of connections) await closeRedis(c);
  refuser.close();
  redisServer?.kill('SIGKILL');
});

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

test('three connections retrying an unreachable Redis say once that it is down (no password), then once that it is back', async () => {
  const lines: string[] = [];
  const log = { error: (m: string) => lines.push(`error ${m}`), info: (m: string) => lines.push(`info ${m}`) };
  const url = `redis://:redis-pw@127.0.0.1:${port}`;
  for (const role of ['producer', 'producer', 'worker'] as const) {
    const c = createRedisConnection(url, role, { retryStrategy: () => 50 });
    reportRedisOutages(c, url, log);
    connections.push(c);
  }
  await until(() => attempts >= 12);
  expect(lines).toEqual([
    expect.stringMatching(new RegExp(`^error Redis at redis://127\\.0\\.0\\.1:${port} is down \\(.+\\); retrying with back-off$`)),
  ]);
  expect(lines.join('\n')).not.toContain('redis-pw');

  await new Promise((r) => refuser.close(r));
  redisServer = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'redis-pw'],
    { stdio: 'ignore' },
  );
  await until(() => connections.every((c) => c.status === 'ready'));
  expect(lines.slice(1)).toEqual([`info Redis at redis://127.0.0.1:${port} is back`]);
});
