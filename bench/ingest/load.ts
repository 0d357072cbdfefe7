/**
 * Load generator, run as its own process so it does not share the server's event loop:
 *   node --import tsx bench/ingest/load.ts <url> <seconds> <rate|0> <first pipeline id> [webhook token]
 * Prints autocannon's figures as one JSON line.
 */
import autocannon from 'autocannon';
import { pipelineHook } from '../../tests/fixtures/gitlab-payloads';

const [url = '', seconds = '10', rate = '0', firstId = '10000000', token = ''] = process.argv.slice(2);
const template = pipelineHook({ pipelineId: 0 });
let nextId = Number(firstId);

function freshRequest<T extends { headers?: Record<string, string> }>(req: T): T & { body: string } {
  const id = nextId++;
  const body = JSON.stringify({ ...template, object_attributes: { ...template.object_attributes, id } });
  // GitLab sends a fresh Idempotency-Key with every delivery; so does the benchmark.
  return { ...req, headers: { ...req.headers, 'idempotency-key': `bench-${id}` }, body };
}

autocannon(
  {
    url: `${url}/webhooks/gitlab`,
    method: 'POST',
    connections: Number(rate) > 0 ? 50 : 64,
    duration: Number(seconds),
    overallRate: Number(rate) > 0 ? Number(rate) : undefined,
    headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Pipeline Hook', ...(token ? { 'x-gitlab-token': token } : {}) },
    requests: [{ setupRequest: (req) => freshRequest(req as { headers?: Record<string, string> }) }],
  },
  (err, result) => {
    if (err) throw err;
    process.stdout.write(
      `${JSON.stringify({ p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, non2xx: result.non2xx, errors: result.errors, sent: result.requests.sent, total: result.requests.total })}\n`,
    );
  },
);
