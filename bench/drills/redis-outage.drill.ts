import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPrivateRedis } from '@cia/cli';
import type { TDrillReport } from './support/drill-report';
import { startDrillStack } from './support/drill-stack';
import { allFinished, duplicatePipelines, selectAnalyses, sendPipelineHook, waitForRows, type TSendResult } from './support/pipelines';

export type TRedisOutageDrillOptions = {
  outageSeconds?: number;
  /** Seconds of traffic before and after the outage. */
  marginSeconds?: number;
  ratePerSecond?: number;
  timeoutMs?: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A private redis-server (AOF on) is stopped for `outageSeconds` in the middle of a steady burst
 * of failed-pipeline webhooks, then started again on the same port. Ingest must keep answering
 * 202 (the database outbox), deliveries GitLab repeats during the outage must not double
 * anything, and every accepted pipeline must end with exactly one completed analysis.
 */
export async function runRedisOutageDrill(report: TDrillReport, o: TRedisOutageDrillOptions = {}): Promise<void> {
  const outageMs = (o.outageSeconds ?? 20) * 1000;
  const marginMs = (o.marginSeconds ?? 5) * 1000;
  const rate = o.ratePerSecond ?? 20;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cia-drill-redis-'));
  let redis = await startPrivateRedis(dataDir);
  const stack = await startDrillStack({
    label: 'drill_redis',
    workers: 1,
    concurrency: 20,
    ai: { latencyMs: 50 },
    redis: { url: redis.url, prefix: '{drill}' },
  });
  try {
    report.say(
      `private redis-server on port ${redis.port} (AOF), 1 worker process; ${rate} webhooks/s for ${marginMs / 1000} s, Redis down ${outageMs / 1000} s, then ${marginMs / 1000} s more`,
    );
    const base = 8_300_000;
    const results: TSendResult[] = [];
    const during: TSendResult[] = [];
    const inFlight: Promise<void>[] = [];
    let seq = 0;
    const clock: { phase: 'before' | 'outage' | 'after' } = { phase: 'before' };
    const healthDuring: number[] = [];
    const sender = (async () => {
      const started = Date.now();
      while (Date.now() - started < outageMs + 2 * marginMs) {
        const id = base + seq++;
        const key = `outage-drill-${id}`;
        const mine = clock.phase;
        inFlight.push(
          sendPipelineHook(stack.ingest.url, id, { idempotencyKey: key }).then(async (r) => {
            results.push(r);
            if (mine === 'outage') {
              // GitLab redelivers when an answer is slow or lost; the same delivery must not count twice.
              const again = await sendPipelineHook(stack.ingest.url, id, { idempotencyKey: key });
              during.push(r, again);
            }
          }),
        );
        await sleep(1000 / rate);
      }
    })();
    await sleep(marginMs);
    await redis.stop();
    clock.phase = 'outage';
    const downAt = Date.now();
    report.say('redis-server stopped');
    for (let t = 0; t < outageMs; t += 5000) {
      healthDuring.push((await fetch(`${stack.ingest.url}/health/detailed`).catch(() => undefined))?.status ?? 0);
      await sleep(Math.min(5000, outageMs - t));
    }
    redis = await startPrivateRedis(dataDir, { port: redis.port });
    clock.phase = 'after';
    report.say(`redis-server started again on port ${redis.port} after ${((Date.now() - downAt) / 1000).toFixed(1)} s`);
    await sender;
    await Promise.all(inFlight);
    const sent = seq;
    const accepted = results.filter((r) => r.status === 202);
    const firstDuring = during.filter((_, i) => i % 2 === 0);
    const repeats = during.filter((_, i) => i % 2 === 1);
    report.check(
      'ingest answered 202 to every delivery, outage included',
      accepted.length === sent && firstDuring.every((r) => r.status === 202),
      `${accepted.length}/${sent} deliveries accepted, ${firstDuring.length} of them during the outage`,
    );
    report.check(
      'a delivery repeated during the outage is answered 200 duplicate, not accepted again',
      repeats.every((r) => r.status === 200),
      `${repeats.filter((r) => r.status === 200).length}/${repeats.length} repeats answered 200`,
    );
    report.check(
      '/health/detailed said 503 while Redis was down',
      healthDuring.length > 0 && healthDuring.every((s) => s === 503),
      `statuses ${healthDuring.join(',')}`,
    );
    const done = await waitForRows(
      () => selectAnalyses(stack.database.db, base, base + sent - 1),
      allFinished(accepted.length),
      o.timeoutMs ?? 120_000,
      500,
    );
    const completed = done.rows.filter((r) => r.status === 'completed');
    report.check(
      'nothing lost: every accepted pipeline has a completed analysis',
      completed.length === accepted.length && new Set(completed.map((r) => r.pipelineId)).size === accepted.length,
      `${completed.length} completed of ${accepted.length} accepted${done.timedOut ? ' (timed out)' : ''}`,
    );
    const dups = duplicatePipelines(done.rows);
    report.check(
      'nothing doubled: one analysis per pipeline, one AI call per analysis',
      dups.length === 0 && stack.ai.calls() === accepted.length,
      `${done.rows.length} rows, ${dups.length} duplicated pipelines, ${stack.ai.calls()} AI calls`,
    );
    const lastDone = Math.max(...completed.map((r) => r.completedAt?.getTime() ?? 0));
    report.say(`backlog drained ${((lastDone - downAt - outageMs) / 1000).toFixed(1)} s after Redis came back`);
  } finally {
    await stack.close();
    await redis.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
