#!/usr/bin/env node
// Entry point of the root npm scripts (start, test, cli, drill, bench). Plain CommonJS so it runs
// on a fresh clone before anything is installed: it installs what is missing, then hands over.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { setInterval, clearInterval } = require('node:timers');

const ROOT = path.resolve(__dirname, '..');
const PNPM = ['--yes', 'pnpm@10.34.8'];
const STAMP = path.join(ROOT, 'node_modules', '.ci-analyst-install');

function installFingerprint() {
  const h = crypto.createHash('sha256');
  for (const f of ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml']) {
    const p = path.join(ROOT, f);
    if (fs.existsSync(p)) h.update(fs.readFileSync(p));
  }
  return h.digest('hex');
}

/** Installs dependencies when node_modules is missing or the lockfile changed since the last install. */
function ensureInstalled() {
  const want = installFingerprint();
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === want) return;
  process.stderr.write('Installing dependencies (pnpm install --frozen-lockfile)...\n');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  // Progress goes to stderr so stdout stays clean for CLI output.
  const r = spawnSync(npx, [...PNPM, 'install', '--frozen-lockfile'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, COREPACK_ENABLE_STRICT: '0' },
  });
  if (r.status !== 0) {
    process.stderr.write('Dependency installation failed.\n');
    process.exit(r.status || 1);
  }
  fs.writeFileSync(STAMP, want);
}

function bin(name) {
  return path.join(ROOT, 'node_modules', '.bin', name);
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs a child with the terminal and waits for it. Every stop signal is passed on: `kill <npm pid>`
 * reaches only npm, which passes it to us alone, so the child would never hear of it. The child
 * (runService) treats the echo of a signal it also got from the terminal or `timeout` as one.
 * With `ipc` the child also stops when this process dies without passing anything on (SIGKILL).
 */
function runForeground(cmd, args, env, options = {}) {
  return new Promise((resolve) => {
    const stdio = options.ipc ? ['inherit', 'inherit', 'inherit', 'ipc'] : 'inherit';
    const child = spawn(cmd, args, { cwd: ROOT, stdio, env: { ...process.env, ...env } });
    const forward = (sig) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    const handlers = STOP_SIGNALS.map((sig) => [sig, () => forward(sig)]);
    for (const [sig, handler] of handlers) process.on(sig, handler);
    // npm itself killed (SIGKILL) or the shell between us gone: we are re-parented, so stop the child.
    const parent = process.ppid;
    const orphaned = setInterval(() => process.ppid !== parent && forward('SIGTERM'), 1000);
    orphaned.unref();
    child.on('exit', (code, signal) => {
      clearInterval(orphaned);
      for (const [sig, handler] of handlers) process.removeListener(sig, handler);
      resolve(code === null ? (signal === 'SIGINT' ? 130 : 1) : code);
    });
  });
}

function tsx(args, env, options) {
  return runForeground(process.execPath, ['--import', 'tsx', ...args], env, options);
}

function canConnect(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Debian packages the integration tests run for real: Redis, Dovecot (IMAP) and Chromium (results page). */
const TEST_PACKAGES = [
  ['redis-server', 'redis-server'],
  ['dovecot', 'dovecot-imapd'],
  ['chromium', 'chromium'],
];

function ensureSystemPackages(packages) {
  const wanted = packages.filter(([cmd]) => !hasCommand(cmd));
  if (wanted.length === 0) return;
  const names = wanted.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0 || !hasCommand('apt-get')) {
    process.stderr.write(`Missing for the tests: ${names.join(', ')} (install them with your package manager).\n`);
    return;
  }
  process.stderr.write(`Installing ${names.join(', ')} (apt-get)...\n`);
  spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 2, 2] });
  spawnSync('apt-get', ['install', '-y', '-qq', ...names], {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * Tests need Redis and PostgreSQL: use the local ones, or start what is missing. `packages`:
 * drills and benchmarks run no browser, so they leave Chromium out.
 */
async function prepareTestServices(packages = TEST_PACKAGES) {
  ensureSystemPackages(packages);
  const env = {};
  const cleanups = [];
  if (!process.env.TEST_REDIS_URL && !(await canConnect(6379))) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'cia-test-redis-'));
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    child.on('error', () => undefined);
    for (let i = 0; i < 50 && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 100));
    if (!(await canConnect(port))) {
      process.stderr.write('Tests need Redis: none on 127.0.0.1:6379 and redis-server could not be started.\n');
      process.exit(1);
    }
    env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
    cleanups.push(() => child.kill('SIGTERM'));
    process.stderr.write(`Started a private redis-server on ${env.TEST_REDIS_URL} for the tests.\n`);
  }
  if (!process.env.TEST_DATABASE_URL && !(await canConnect(5432))) {
    spawnSync('sh', ['-c', 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'], { stdio: 'ignore' });
    if (!(await canConnect(5432)))
      process.stderr.write('PostgreSQL is not reachable on 127.0.0.1:5432: database tests fall back to in-memory PGlite.\n');
  }
  return { env, cleanup: () => cleanups.forEach((c) => c()) };
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  ensureInstalled();
  switch (command) {
    case 'start':
      process.exit(await tsx(['services/cli/src/main.ts', 'serve', ...args], {}, { ipc: true }));
      break;
    case 'cli':
      process.exit(await tsx(['services/cli/src/main.ts', ...args], {}, { ipc: true }));
      break;
    case 'drill':
    case 'bench': {
      // Drills and benchmarks run the same real components as the tests (PostgreSQL, Redis, Dovecot).
      const services = await prepareTestServices(TEST_PACKAGES.filter(([cmd]) => cmd !== 'chromium'));
      const code = await tsx([command === 'drill' ? 'bench/drills/main.ts' : 'bench/main.ts', ...args], services.env);
      services.cleanup();
      process.exit(code);
      break;
    }
    case 'test': {
      const steps = [
        // One tsc over the whole workspace (tests and bench included) is faster than one per package.
        ['typecheck', bin('tsc'), ['-p', 'tsconfig.json']],
        ['lint', bin('eslint'), ['--max-warnings=0', '.']],
        ['format', bin('prettier'), ['--check', '--log-level=warn', '.']],
      ];
      for (const [name, cmd, a] of steps) {
        process.stderr.write(`\n== ${name}\n`);
        const code = await runForeground(cmd, a);
        if (code !== 0) process.exit(code);
      }
      const services = await prepareTestServices();
      process.stderr.write('\n== jest\n');
      const code = await runForeground(bin('jest'), ['--ci', ...args], services.env);
      services.cleanup();
      process.exit(code);
      break;
    }
    default:
      process.stderr.write('usage: node scripts/dev.cjs start|test|cli|drill|bench [args]\n');
      process.exit(2);
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
