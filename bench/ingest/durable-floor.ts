/**
 * The ingest benchmark's second reference, in its own process like ingest: the bare Express
 * handler plus what any intake must do and nothing else. Each delivery is validated as ingest
 * does (normalizeEvent) and goes through the same group-committed PostgreSQL insert and Redis
 * enqueue (createFirstFailureWriter), so a 2xx still means "stored"; there is no token check, no
 * masking, no metrics, no relay, no other route. What ingest costs above this floor is the rest of
 * its code; what the floor costs above the bare handler is the price of never losing a delivery.
 *   PORT=<port> DATABASE_URL=... REDIS_URL=... QUEUE_PREFIX=... node --import tsx bench/ingest/durable-floor.ts
 */
import express from 'express';
import { openDatabase } from '@cia/db';
import { createLogger } from '@cia/logger';
import { createQueues, createRedisConnection } from '@cia/queue';
import { createFirstFailureWriter } from '../../packages/intake/src/first-failures';
import { normalizeEvent } from '../../services/ingest/src/webhooks/normalize-event';

type TFailureInput = Parameters<ReturnType<typeof createFirstFailureWriter>['submit']>[0]['input'];

async function main(): Promise<void> {
  const env = process.env;
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, maxConnections: 20 });
  const queues = createQueues(createRedisConnection(env.REDIS_URL ?? '', 'producer'), env.QUEUE_PREFIX ?? 'cia');
  const writer = createFirstFailureWriter({ db: database.db, queues, logger: createLogger({ service: 'durable-floor', silent: true }) });
  const app = express();
  app.post('/webhooks/gitlab', express.text({ type: () => true, limit: '25mb' }), async (req, res) => {
    const raw = req.body as string;
    const event = normalizeEvent(req.get('x-gitlab-event'), JSON.parse(raw));
    if (event.kind !== 'failure') return void res.status(200).json({ status: 'ignored' });
    // Unmasked: masking is ingest's own cost, and the benchmark's payload carries no secret.
    const input = {
      trigger: 'webhook',
      project: event.project,
      pipeline: event.pipeline,
      failedJobs: event.failedJobs,
    } as unknown as TFailureInput;
    const delivery = {
      idempotencyKey: req.get('idempotency-key') ?? null,
      eventType: req.get('x-gitlab-event') ?? 'unknown',
      objectKind: 'pipeline',
      projectId: event.project.id,
      pipelineId: event.pipeline.id,
      headers: { 'x-gitlab-event': req.get('x-gitlab-event') ?? '', 'content-type': req.get('content-type') ?? '' },
      body: raw,
    };
    const first = await writer.submit({ input, delivery });
    res.status(first ? 202 : 200).json({ status: first ? 'accepted' : 'duplicate', request_id: first?.requestId });
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.listen(Number(env.PORT ?? 0), '127.0.0.1');
}

void main();
