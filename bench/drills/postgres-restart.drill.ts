import { Queue } from 'bullmq';
import { QUEUE_NAMES, closeRedis, createRedisConnection } from '@cia/queue';
import type { TDrillReport } from './support/drill-report';
import { startDrillStack } from './support/drill-stack';
import { allFinished, duplicatePipelines, selectAnalyses, sendPipelineHook, waitForRows, type TSendResult } from './support/pipelines';
import { startPrivatePostgres } from './support/private-postgres';

export type TPostgresRestartDrillOptions = { pipelines?: number; downSeconds?: number; timeoutMs?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A private PostgreSQL cluster is stopped and started again while analyses are running. Worker
 * jobs that hit the outage fail an attempt and are retried; deliveries ingest could not store are
 * refused (GitLab redelivers them) and sent again afterwards. Every accepted pipeline must end
 * with exactly one completed analysis and every process must survive.
 */
export async function runPostgresRestartDrill(report: TDrillReport, o: TPostgresRestartDrillOptions = {}): Promise<void> {
  const total = o.pipelines ?? 300;
  const downMs = (o.downSeconds ?? 5) * 1000;
  const pg = await startPrivatePostgres();
  const stack = await startDrillStack({ label: 'drill_pg', workers: 2, concurrency: 10, ai: { latencyMs: 200 }, databaseUrl: pg.url });
  const redis = createRedisConnection(stack.redisUrl, 'producer');
  const queue = new Queue(QUEUE_NAMES.analyze, { connection: redis, prefix: stack.prefix });
  try {
    report.say(
      `private PostgreSQL on port ${pg.port} (${pg.dir}); 2 worker processes; ${total} pipelines at ~40/s; PostgreSQL down ${downMs / 1000} s once a third is done`,
    );
    const base = 8_400_000;
    const results = new Map<number, TSendResult>();
    const sender = (async () => {
      for (let i = 0; i < total; i++) {
        const id = base + i;
        void sendPipelineHook(stack.ingest.url, id, { idempotencyKey: `pg-drill-${id}` }).then((r) => results.set(id, r));
        await sleep(25);
      }
    })();
    for (;;) {
      const rows = await selectAnalyses(stack.database.db, base, base + total - 1);
      if (rows.filter((r) => r.status === 'completed').length >= total / 3) break;
      await sleep(100);
    }
    const active = await queue.getActiveCount();
    pg.stop();
    const downAt = Date.now();
    report.say(`PostgreSQL stopped (fast shutdown) with ${active} jobs active`);
    await sleep(downMs);
    pg.start();
    report.say(`PostgreSQL started again after ${((Date.now() - downAt) / 1000).toFixed(1)} s`);
    await sender;
    while (results.size < total) await sleep(50);
    const refused = [...results.values()].filter((r) => r.status !== 202);
    report.say(
      `${total - refused.length} deliveries accepted at once; ${refused.length} refused while the database was away (statuses ${[...new Set(refused.map((r) => r.status))].join(',') || 'none'}), now redelivered`,
    );
    report.check(
      'no delivery got a 500 (only 503 while the database was away)',
      refused.every((r) => r.status === 503),
      refused.length ? `statuses ${[...new Set(refused.map((r) => r.status))].join(',')}` : 'none refused',
    );
    for (const r of refused) {
      let again = await sendPipelineHook(stack.ingest.url, r.pipelineId, { idempotencyKey: `pg-drill-${r.pipelineId}` });
      for (let i = 0; i < 20 && again.status !== 202 && again.status !== 200; i++) {
        await sleep(500);
        again = await sendPipelineHook(stack.ingest.url, r.pipelineId, { idempotencyKey: `pg-drill-${r.pipelineId}` });
      }
      results.set(r.pipelineId, again);
    }
    report.check(
      'every delivery accepted in the end',
      [...results.values()].every((r) => r.status === 202 || r.status === 200),
      `${[...results.values()].filter((r) => r.status === 202 || r.status === 200).length}/${total}`,
    );
    const done = await waitForRows(
      () => selectAnalyses(stack.database.db, base, base + total - 1),
      allFinished(total),
      o.timeoutMs ?? 120_000,
      500,
    );
    const completed = done.rows.filter((r) => r.status === 'completed');
    report.check(
      'every pipeline has one completed analysis',
      completed.length === total && duplicatePipelines(done.rows).length === 0,
      `${completed.length}/${total} completed, ${done.rows.filter((r) => r.status === 'failed').length} failed, ${done.rows.length} rows${done.timedOut ? ' (timed out)' : ''}`,
    );
    const finished = await queue.getCompleted(0, total + 10);
    const retried = finished.filter((j) => j.attemptsMade > 1);
    report.say(`${retried.length} jobs needed more than one attempt; AI calls ${stack.ai.calls()} for ${total} analyses`);
    report.check(
      'worker processes survived the restart',
      stack.workers.every((w) => w.child.exitCode === null && w.child.signalCode === null),
      stack.workers.map((w) => `${w.name}: ${w.child.exitCode === null ? 'alive' : `exited ${w.child.exitCode}`}`).join(', '),
    );
    const health = await fetch(`${stack.ingest.url}/health/detailed`);
    report.check('ingest reports healthy again', health.status === 200, `GET /health/detailed ${health.status}`);
  } finally {
    await queue.close();
    await closeRedis(redis);
    await stack.close();
    pg.close();
  }
}
