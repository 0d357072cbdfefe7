/**
 * Fault drills: `npm run drill -- <name|all> [options]`. Each drill prints what it did, one line
 * per check, and a final `N passed, M failed`; the exit code is 1 when any check failed.
 */
import { createDrillReport, type TCheck, type TDrillReport } from './support/drill-report';
import { runImapRestartDrill } from './imap-restart.drill';
import { runKillWorkerDrill } from './kill-worker.drill';
import { runPoisonDrill } from './poison-job.drill';
import { runPostgresRestartDrill } from './postgres-restart.drill';
import { runRedisOutageDrill } from './redis-outage.drill';
import { runWebhookFuzzDrill } from './webhook-fuzz.drill';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};

const DRILLS: Record<string, { what: string; run(report: TDrillReport): Promise<void> }> = {
  'kill-worker': {
    what: 'kill -9 a worker process in the middle of analyses while failed pipelines arrive',
    run: (r) => runKillWorkerDrill(r, { pipelines: arg('pipelines', 1000), respawn: process.argv.includes('--respawn') }),
  },
  'redis-outage': {
    what: 'stop Redis for 20 s during a burst of webhooks, then start it again',
    run: (r) => runRedisOutageDrill(r, { outageSeconds: arg('outage-seconds', 20), ratePerSecond: arg('rate', 20) }),
  },
  'postgres-restart': {
    what: 'stop and start a private PostgreSQL while analyses run',
    run: (r) => runPostgresRestartDrill(r, { pipelines: arg('pipelines', 300), downSeconds: arg('down-seconds', 5) }),
  },
  'poison-job': {
    what: 'a payload that always fails ends as failed after the configured attempts; the pool keeps working',
    run: (r) => runPoisonDrill(r, { poison: arg('poison', 3), healthy: arg('healthy', 20) }),
  },
  'imap-restart': {
    what: 'restart the IMAP server while the mail-watcher watches; mail keeps arriving',
    run: (r) => runImapRestartDrill(r, { messages: arg('messages', 60), restarts: arg('restarts', 3) }),
  },
  'webhook-fuzz': {
    what: 'fuzzed webhook deliveries: all 4xx, no 5xx, memory stable',
    run: (r) => runWebhookFuzzDrill(r, { requests: arg('requests', 1000) }),
  },
};

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || (name !== 'all' && !DRILLS[name])) {
    process.stderr.write(`usage: npm run drill -- <${[...Object.keys(DRILLS), 'all'].join('|')}> [options]\n`);
    for (const [n, d] of Object.entries(DRILLS)) process.stderr.write(`  ${n.padEnd(18)} ${d.what}\n`);
    process.exit(2);
  }
  const names = name === 'all' ? Object.keys(DRILLS) : [name];
  const checks: TCheck[] = [];
  for (const n of names) {
    const report = createDrillReport(n);
    report.say(DRILLS[n]!.what);
    try {
      await DRILLS[n]!.run(report);
    } catch (err) {
      report.check('drill ran to the end', false, (err as Error).stack ?? String(err));
    }
    checks.push(...report.checks);
  }
  const passed = checks.filter((c) => c.ok).length;
  process.stdout.write(`\n${passed} passed, ${checks.length - passed} failed\n`);
  process.exit(checks.length === passed ? 0 : 1);
}

void main();
