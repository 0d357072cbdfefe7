import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ZEnv } from '@cia/config';
import { WORKER_NODE_FLAGS } from '@cia/worker/node-flags';

const ROOT = path.resolve(__dirname, '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

type TService = {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, unknown>;
  deploy?: { replicas?: number };
  image?: string;
  build?: string;
};
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, TService> };
const services = compose.services;
const SETTINGS = new Set(Object.keys(ZEnv.shape));
const IMAGE_ENV = new Set(['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'NODE_ENV']);

test('compose runs postgres, redis, migrations, ingest, several workers and the mail-watcher', () => {
  expect(Object.keys(services).sort()).toEqual(['ingest', 'mail-watcher', 'migrate', 'postgres', 'redis', 'worker']);
  expect(services.worker?.deploy?.replicas).toBeGreaterThan(1);
});

test('compose starts workers with the Node flags the benchmarks measured', () => {
  const command = services.worker?.command ?? [];
  expect(command.slice(1, 1 + WORKER_NODE_FLAGS.length)).toEqual([...WORKER_NODE_FLAGS]);
});

test('every command compose runs points at an entry file that exists', () => {
  for (const [name, svc] of Object.entries(services)) {
    if (!svc.build) continue;
    const entry = svc.command?.find((part) => part.endsWith('.ts'));
    expect([name, entry && fs.existsSync(path.join(ROOT, entry))]).toEqual([name, true]);
  }
});

test('every environment variable compose sets is a real setting or the image own', () => {
  for (const [name, svc] of Object.entries(services)) {
    for (const key of Object.keys(svc.environment ?? {})) {
      expect([name, key, SETTINGS.has(key) || IMAGE_ENV.has(key)]).toEqual([name, key, true]);
    }
  }
});

test('ingest publishes the port it listens on and depends on services that exist', () => {
  const ingest = services.ingest!;
  expect(ingest.environment?.PORT).toBe('8000');
  expect(ingest.ports).toContain('8000:8000');
  for (const [name, svc] of Object.entries(services)) {
    for (const dep of Object.keys(svc.depends_on ?? {})) expect([name, dep in services]).toEqual([name, true]);
  }
});

test('containers listen on every interface (HOST defaults to loopback outside them)', () => {
  expect(/^ENV .*\bHOST=0\.0\.0\.0\b/m.test(read('Dockerfile'))).toBe(true);
  for (const [name, svc] of Object.entries(services)) {
    if (svc.build) expect([name, svc.environment?.HOST]).toEqual([name, '0.0.0.0']);
  }
});

test('the Dockerfile default entry exists and the image has the pinned pnpm', () => {
  const dockerfile = read('Dockerfile');
  const cmd = /CMD \[(.*)\]/.exec(dockerfile)?.[1] ?? '';
  const entry = JSON.parse(`[${cmd}]`).find((p: string) => p.endsWith('.ts')) as string;
  expect(fs.existsSync(path.join(ROOT, entry))).toBe(true);
  const pkg = JSON.parse(read('package.json')) as { packageManager: string };
  expect(dockerfile).toContain(pkg.packageManager.replace('pnpm@', 'pnpm@'));
});
