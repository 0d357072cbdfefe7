import { createTestDatabase } from '@cia/db/testing';
import { createTestPrefix } from '@cia/queue/testing';
import type { TDrillReport } from './support/drill-report';
import { spawnIngest } from './support/service-process';
import { buildFuzzedRequests } from './fuzzed-webhooks';
import { freePort } from '@cia/cli';

export type TWebhookFuzzDrillOptions = { requests?: number; seed?: number; concurrency?: number };

const TOKEN = 'drill-webhook-secret-3f9a';
const BODY_LIMIT_MB = 0.1;

/** The ids a Pipeline Hook body carries, to say which fuzzed body was let through. */
function describeIds(body: string): string {
  try {
    const d = JSON.parse(body) as { object_attributes?: { id?: unknown }; project?: { id?: unknown } };
    return `object_attributes.id=${JSON.stringify(d.object_attributes?.id)}, project.id=${JSON.stringify(d.project?.id)}`;
  } catch {
    return body.slice(0, 60);
  }
}

/**
 * Ingest runs as its own process; fuzzed deliveries (seeded, so the same run every time) must all
 * get a 4xx, never a 5xx, and the process's resident memory must not grow with them.
 */
export async function runWebhookFuzzDrill(report: TDrillReport, o: TWebhookFuzzDrillOptions = {}): Promise<void> {
  const count = o.requests ?? 1000;
  const database = await createTestDatabase('drill_fuzz');
  const redis = createTestPrefix('drill-fuzz');
  const port = await freePort();
  const ingest = spawnIngest('ingest', {
    ENVIRONMENT: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: database.url ?? '',
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    PORT: String(port),
    GITLAB_WEBHOOK_SECRET: TOKEN,
    WEBHOOK_BODY_LIMIT_MB: String(BODY_LIMIT_MB),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (ingest.child.exitCode !== null) throw new Error(`ingest exited: ${ingest.output()}`);
      const ok = await fetch(`${url}/health`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('ingest did not start within 60 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const requests = buildFuzzedRequests(count, o.seed ?? 20261123, { token: TOKEN, bodyLimitBytes: BODY_LIMIT_MB * 1024 * 1024 });
    const send = async (r: (typeof requests)[number]) => {
      try {
        const res = await fetch(`${url}/webhooks/gitlab`, {
          method: 'POST',
          headers: r.headers,
          body: r.body,
          signal: AbortSignal.timeout(15_000),
        });
        await res.arrayBuffer();
        return res.status;
      } catch {
        return 0;
      }
    };
    // A warm-up so the first RSS sample is of a process that has served requests (JIT, pools, buffers).
    for (const r of requests.slice(0, 50)) await send(r);
    const rssStart = ingest.rssKb() ?? 0;
    let rssPeak = rssStart;
    report.say(
      `ingest pid ${ingest.pid} on port ${port}; ${count} fuzzed deliveries (seed ${o.seed ?? 20261123}), ${o.concurrency ?? 8} at a time; RSS after warm-up ${(rssStart / 1024).toFixed(1)} MB`,
    );
    const byKind = new Map<string, Map<number, number>>();
    const accepted: string[] = [];
    let next = 0;
    const lane = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const status = await send(r);
        if (status < 400 || status >= 500)
          accepted.push(`${r.kind} → ${status}: ${r.kind === 'oversized body' ? 'large body' : describeIds(r.body)}`);
        const kind = r.kind.replace(/ \(.*\)$/, '');
        const m = byKind.get(kind) ?? new Map<number, number>();
        m.set(status, (m.get(status) ?? 0) + 1);
        byKind.set(kind, m);
        if (next % 100 === 0) rssPeak = Math.max(rssPeak, ingest.rssKb() ?? 0);
      }
    };
    await Promise.all(Array.from({ length: o.concurrency ?? 8 }, lane));
    const rssEnd = ingest.rssKb() ?? 0;
    for (const [kind, m] of byKind) report.say(`  ${kind.padEnd(22)} ${[...m].map(([s, n]) => `${s}×${n}`).join(' ')}`);
    const all = [...byKind.values()].flatMap((m) => [...m]);
    const total = all.reduce((s, [, n]) => s + n, 0);
    const fourxx = all.filter(([s]) => s >= 400 && s < 500).reduce((s, [, n]) => s + n, 0);
    const fivexx = all.filter(([s]) => s >= 500 || s === 0).reduce((s, [, n]) => s + n, 0);
    report.check('no 5xx and no dropped connection', fivexx === 0, `${fivexx} of ${total}`);
    report.check(
      'every fuzzed delivery refused with a 4xx',
      fourxx === total,
      `${fourxx} of ${total} got 4xx${accepted.length ? `; not refused: ${[...new Set(accepted)].slice(0, 6).join('; ')}` : ''}`,
    );
    const growthMb = (rssEnd - rssStart) / 1024;
    report.check(
      'RSS stable (grew by less than 40 MB)',
      growthMb < 40,
      `start ${(rssStart / 1024).toFixed(1)} MB, peak ${(rssPeak / 1024).toFixed(1)} MB, end ${(rssEnd / 1024).toFixed(1)} MB (${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(1)} MB)`,
    );
    report.check('ingest process still alive', ingest.child.exitCode === null, '');
  } finally {
    await ingest.stop(5000);
    await database.drop();
    await redis.cleanup();
  }
}
