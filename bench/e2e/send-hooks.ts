import http from 'node:http';
import { pipelineHook } from '../../tests/fixtures/gitlab-payloads';

export type THookResult = { pipelineId: number; status: number; error?: string };

/**
 * Posts one Pipeline Hook per pipeline to ingest, as GitLab does (own Idempotency-Key per
 * delivery, `builds` listing the pipeline's jobs when given), with at most `concurrency` in flight over kept-alive connections. Bodies are built
 * before the first one is sent, and node:http is used rather than fetch: the sender runs in the
 * benchmark process, whose CPU competes with the services measured on the same cores.
 */
export async function sendHooksLean(
  ingestUrl: string,
  ids: number[],
  options: { concurrency?: number; timeoutMs?: number; builds?: (pipelineId: number) => Record<string, unknown>[] } = {},
): Promise<THookResult[]> {
  const { concurrency = 32, timeoutMs = 15_000 } = options;
  const target = new URL('/webhooks/gitlab', ingestUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const bodies = ids.map((pipelineId) => Buffer.from(JSON.stringify(pipelineHook({ pipelineId, builds: options.builds?.(pipelineId) }))));
  const results: THookResult[] = new Array(ids.length);
  const post = (i: number) =>
    new Promise<THookResult>((resolve) => {
      const pipelineId = ids[i]!;
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          agent,
          timeout: timeoutMs,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': bodies[i]!.length,
            'X-Gitlab-Event': 'Pipeline Hook',
            'Idempotency-Key': `bench-${pipelineId}-${Math.random().toString(36).slice(2, 10)}`,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ pipelineId, status: res.statusCode ?? 0 }));
          res.on('error', (err) => resolve({ pipelineId, status: 0, error: err.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (err) => resolve({ pipelineId, status: 0, error: err.message }));
      req.end(bodies[i]);
    });
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const i = next++;
      results[i] = await post(i);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
  } finally {
    agent.destroy();
  }
  return results;
}
