/**
 * The ingest benchmark's second reference, in its own process like ingest: the bare Express
 * handler plus the durable part of intake and nothing else. Each delivery goes through the same
 * group-committed PostgreSQL insert and Redis enqueue ingest uses (createFirstFailureWriter), so a
 * 2xx still means "stored"; there is no token check, no validation, no masking, no metrics, no
 * relay. What ingest costs above this floor is its own code; what the floor costs above the bare
 * handler is the price of never losing a delivery on this machine.
 *   PORT=<port> DATABASE_URL=... REDIS_URL=... QUEUE_PREFIX=... node --import tsx bench/ingest/durable-floor.ts
 */
import express from 'express';
import { openDatabase } from '@cia/db';
import { createLogger } from '@cia/logger';
import { createQueues, createRedisConnection } from '@cia/queue';
import { createFirstFailureWriter } from '../../packages/intake/src/first-failures';

type THook = {
  object_attributes: { id: number; iid: number; ref: string; sha: string; url: string; status: string; source: string };
  project: { id: number; name: string; path_with_namespace: string; web_url: string; default_branch: string };
  builds?: Array<{ id: number; name: string; stage: string; status: string; failure_reason?: string | null; allow_failure?: boolean }>;
};

/** The same rows ingest writes, read from the body as it is, without a schema. */
function failureOf(hook: THook) {
  const { object_attributes: p, project } = hook;
  return {
    trigger: 'webhook' as const,
    project: {
      id: project.id,
      path: project.path_with_namespace,
      name: project.name,
      web_url: project.web_url,
      default_branch: project.default_branch,
    },
    pipeline: { id: p.id, iid: p.iid, ref: p.ref, sha: p.sha, url: p.url, status: p.status, source: p.source },
    failedJobs: (hook.builds ?? [])
      .filter((b) => b.status === 'failed')
      .map((b) => ({
        id: b.id,
        name: b.name,
        stage: b.stage,
        status: b.status,
        failure_reason: b.failure_reason ?? null,
        allow_failure: b.allow_failure ?? false,
        web_url: null,
      })),
  };
}

async function main(): Promise<void> {
  const env = process.env;
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, maxConnections: 20 });
  const queues = createQueues(createRedisConnection(env.REDIS_URL ?? '', 'producer'), env.QUEUE_PREFIX ?? 'cia');
  const writer = createFirstFailureWriter({ db: database.db, queues, logger: createLogger({ service: 'durable-floor', silent: true }) });
  const app = express();
  app.post('/webhooks/gitlab', express.text({ type: () => true, limit: '25mb' }), async (req, res) => {
    const raw = req.body as string;
    const hook = JSON.parse(raw) as THook;
    const input = failureOf(hook) as Parameters<typeof writer.submit>[0]['input'];
    const delivery = {
      idempotencyKey: req.get('idempotency-key') ?? null,
      eventType: req.get('x-gitlab-event') ?? 'unknown',
      objectKind: 'pipeline',
      projectId: hook.project.id,
      pipelineId: hook.object_attributes.id,
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
