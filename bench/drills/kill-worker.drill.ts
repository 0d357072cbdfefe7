import { Queue } from 'bullmq';
import { QUEUE_NAMES, closeRedis, createRedisConnection } from '@cia/queue';
import type { TDrillReport } from './support/drill-report';
import { startDrillStack } from './support/drill-stack';
import { allFinished, duplicatePipelines, selectAnalyses, sendPipelineHooks, waitForRows } from './support/pipelines';

export type TKillWorkerDrillOptions = {
  pipelines?: number;
  concurrency?: number;
  aiLatencyMs?: number;
  /** Start a replacement process after the kill, as a supervisor (systemd, Docker, Kubernetes) would. */
  respawn?: boolean;
  timeoutMs?: number;
  /** Extra worker settings, e.g. a short WORKER_LOCK_DURATION_MS for a quick recovery. */
  workerEnv?: Record<string, string>;
};

/**
 * Two worker processes; while failed pipelines arrive, one of them is killed with SIGKILL in the
 * middle of its analyses. Its active jobs stall (their locks expire) and BullMQ hands them to the
 * surviving worker; every accepted pipeline must end with exactly one completed analysis.
 */
export async function runKillWorkerDrill(report: TDrillReport, o: TKillWorkerDrillOptions = {}): Promise<void> {
  const total = o.pipelines ?? 1000;
  const stack = await startDrillStack({
    label: 'drill_kill',
    workers: 2,
    concurrency: o.concurrency ?? 20,
    ai: { latencyMs: o.aiLatencyMs ?? 300 },
    extraEnv: o.workerEnv,
  });
  const redis = createRedisConnection(stack.redisUrl, 'producer');
  const queue = new Queue(QUEUE_NAMES.analyze, { connection: redis, prefix: stack.prefix });
  try {
    const [victim] = stack.workers;
    report.say(
      `2 worker processes (pids ${stack.workers.map((w) => w.pid).join(', ')}), concurrency ${stack.workerEnv.WORKER_CONCURRENCY} each, AI latency ${o.aiLatencyMs ?? 300} ms; sending ${total} failed pipelines`,
    );
    const base = 8_200_000;
    const ids = Array.from({ length: total }, (_, i) => base + i);
    const killAt = Math.floor(total * 0.3);
    let killedAt = 0;
    let activeAtKill = 0;
    const sending = sendPipelineHooks(stack.ingest.url, ids, 16);
    const killer = (async () => {
      // Kill once enough is done that the victim is surely busy, while pipelines still arrive.
      for (;;) {
        const rows = await selectAnalyses(stack.database.db, base, base + total - 1);
        if (rows.filter((r) => r.status === 'completed').length >= killAt) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      activeAtKill = await queue.getActiveCount();
      victim!.kill('SIGKILL');
      killedAt = Date.now();
      report.say(`SIGKILL to ${victim!.name} (pid ${victim!.pid}) with ${activeAtKill} jobs active in the pool`);
      if (o.respawn) {
        const w = await stack.addWorker('worker-respawned');
        report.say(`replacement ${w.name} started (pid ${w.pid})`);
      }
    })();
    const sent = await sending;
    await killer;
    const accepted = sent.filter((r) => r.status === 202);
    report.check(
      'every delivery accepted (202)',
      accepted.length === total,
      `${accepted.length}/${total}; others: ${[...new Set(sent.filter((r) => r.status !== 202).map((r) => r.status))].join(',') || 'none'}`,
    );

    const done = await waitForRows(
      () => selectAnalyses(stack.database.db, base, base + total - 1),
      allFinished(accepted.length),
      o.timeoutMs ?? 180_000,
      500,
    );
    const completed = done.rows.filter((r) => r.status === 'completed');
    report.check(
      'every accepted pipeline has an analysis',
      new Set(done.rows.map((r) => r.pipelineId)).size === accepted.length,
      `${done.rows.length} rows for ${accepted.length} accepted`,
    );
    report.check(
      'every analysis completed',
      completed.length === accepted.length,
      `${completed.length} completed, ${done.rows.filter((r) => r.status === 'failed').length} failed, ${done.rows.filter((r) => r.status === 'queued' || r.status === 'running').length} unfinished${done.timedOut ? ' (timed out)' : ''}`,
    );
    const dups = duplicatePipelines(done.rows);
    report.check(
      'no pipeline analysed into two rows',
      dups.length === 0,
      dups.length ? `duplicates: ${dups.slice(0, 5).join(',')}` : 'one row per pipeline',
    );
    const lastDone = Math.max(...completed.map((r) => r.completedAt?.getTime() ?? 0));
    report.say(
      `all done ${((lastDone - killedAt) / 1000).toFixed(1)} s after the kill; AI calls ${stack.ai.calls()} for ${accepted.length} analyses (${stack.ai.calls() - accepted.length} repeated: jobs that were in flight in the killed process)`,
    );
    const finished = await queue.getCompleted(0, total + 10);
    const stalled = finished.filter((j) => j.stalledCounter > 0);
    report.check(
      "the killed worker's jobs were recovered as stalled and completed by another process",
      activeAtKill === 0 || stalled.length > 0,
      `${stalled.length} completed jobs had stalled`,
    );
    report.check(
      'the surviving worker process is still alive',
      stack.workers.slice(1).every((w) => w.child.exitCode === null),
      '',
    );
  } finally {
    await queue.close();
    await closeRedis(redis);
    await stack.close();
  }
}
