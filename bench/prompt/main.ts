/**
 * Prompt-size benchmark: realistic failed pipelines (several failed jobs, matrix and parallel
 * copies of one failure, shards failing each their own way; runner logs with ANSI and sections;
 * a mid-sized CI config; test reports) through the real path — webhook → ingest → worker →
 * fake GitLab over HTTP → excerpt, mask → OpenAI SDK → fake provider — and what the provider
 * received, counted as the analyzer's token budget counts it. In one process, a few pipelines at
 * a time: it measures prompts, not speed.
 *
 *   npm run bench -- prompt [--pipelines 35] [--dump DIR]
 *
 * --dump writes the first prompt of each pipeline shape to DIR, to read what a model sees.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFakeOpenAi } from '@cia/ai/testing';
import { testConfig } from '@cia/config/testing';
import { createTestDatabase } from '@cia/db/testing';
import { createFakeGitLab } from '@cia/gitlab/testing';
import { startIngest } from '@cia/ingest';
import { createLogger } from '@cia/logger';
import { createTestPrefix } from '@cia/queue/testing';
import { startWorker } from '@cia/worker';
import { allFinished, sendPipelineHook, waitForRows, selectAnalyses } from '../drills/support/pipelines';
import { makePipeline, PROJECT, PROJECT_ID, SHAPES, type TBenchPipeline } from './pipelines';
import { measureRequest, quantile, type TPromptSize } from './prompt-stats';

const argv = process.argv;
const option = (name: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : undefined);
const PIPELINES = Number(option('pipelines') ?? 35);
const DUMP_DIR = option('dump');
const TOKEN = 'glpat-benchPromptToken0123';
const FIRST_ID = 7_000_000;

type TMeasured = TBenchPipeline & { prompt: TPromptSize; failedJobsStored: number };

function report(measured: TMeasured[]): string {
  const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
  const row = (label: string, xs: TMeasured[]) => {
    const perFailure = xs.map((m) => m.prompt.tokens / m.distinctFailures);
    const tokens = xs.map((m) => m.prompt.tokens);
    const chars = xs.map((m) => m.prompt.chars);
    const jobs = xs[0]?.failedJobIds.length ?? 0;
    return `| ${label} | ${xs.length} | ${label === 'all' ? '-' : `${jobs} / ${xs[0]?.distinctFailures}`} | ${fmt(quantile(chars, 0.5))} | ${fmt(quantile(tokens, 0.5))} | ${fmt(quantile(tokens, 0.9))} | ${fmt(quantile(perFailure, 0.5))} | ${fmt(quantile(perFailure, 0.9))} |`;
  };
  const out = [
    `\nPrompt-size benchmark: ${measured.length} pipelines through ingest → worker → OpenAI SDK → fake provider (AI_MAX_INPUT_TOKENS=${testConfig().AI_MAX_INPUT_TOKENS}, rules-first and cache off)`,
    'Tokens: system + user message + answer schema, estimated as the analyzer budgets them (token-budget.ts); characters: system + user message.\n',
    '| pipelines | n | failed jobs / distinct failures | median chars | median tokens | p90 tokens | median tokens per distinct failure | p90 tokens per distinct failure |',
    '|---|---|---|---|---|---|---|---|',
    ...Object.keys(SHAPES).map((shape) =>
      row(
        shape,
        measured.filter((m) => m.shape === shape),
      ),
    ),
    row('all', measured),
  ];
  const sections = new Map<string, number>();
  for (const m of measured) for (const [k, v] of m.prompt.sections) sections.set(k, (sections.get(k) ?? 0) + v);
  const total = [...sections.values()].reduce((a, b) => a + b, 0);
  out.push(
    '\nWhere the characters go (all prompts):',
    ...[...sections]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `- ${k}: ${((100 * v) / total).toFixed(1)} % (${fmt(v / measured.length)} chars per prompt)`),
  );
  out.push(`- answer schema: ${fmt(measured[0]?.prompt.schemaTokens ?? NaN)} tokens per prompt (counted in the tokens above)`);
  const missing = measured.filter((m) => m.failedJobsStored !== m.failedJobIds.length);
  out.push(`\nStored results covering every failed job: ${measured.length - missing.length}/${measured.length}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const logger = createLogger({ service: 'bench', silent: true });
  const gitlab = await createFakeGitLab({ token: TOKEN, projects: [PROJECT] });
  const openai = await startFakeOpenAi();
  const database = await createTestDatabase('bench_prompt');
  const redis = createTestPrefix('bench-prompt');
  const config = testConfig({
    REDIS_URL: redis.url,
    QUEUE_PREFIX: redis.prefix,
    HOST: '127.0.0.1',
    GITLAB_BASE_URL: gitlab.baseUrl,
    GITLAB_API_TOKEN: TOKEN,
    AI_RULES_FIRST: 'false',
    AI_CACHE_TTL_HOURS: '0',
    ...openai.env,
  });
  const worker = await startWorker(config, { database, logger });
  const ingest = await startIngest(config, { database, logger, port: 0 });
  try {
    const shapes = Object.keys(SHAPES);
    const pipelines = Array.from({ length: PIPELINES }, (_, i) => makePipeline(FIRST_ID + i, shapes[i % shapes.length]!));
    for (const p of pipelines) gitlab.addPipeline(PROJECT_ID, p.pipeline);
    process.stderr.write(`analysing ${pipelines.length} pipelines...\n`);
    for (const p of pipelines) {
      const sent = await sendPipelineHook(ingest.url, p.id, { projectId: PROJECT_ID, builds: p.hookBuilds });
      if (sent.status !== 202) throw new Error(`webhook of pipeline ${p.id} refused: ${sent.status} ${sent.error ?? ''}`);
    }
    const { rows, timedOut } = await waitForRows(
      () => selectAnalyses(database.db, FIRST_ID, FIRST_ID + PIPELINES),
      allFinished(PIPELINES),
      300_000,
    );
    if (timedOut) throw new Error(`timed out: ${rows.filter((r) => r.status === 'completed').length}/${PIPELINES} completed`);
    const failed = rows.filter((r) => r.status !== 'completed');
    if (failed.length) throw new Error(`${failed.length} analyses failed: ${JSON.stringify(failed[0]?.error ?? null)}`);

    const byJob = new Map(pipelines.flatMap((p) => p.failedJobIds.map((id) => [id, p] as const)));
    const storedJobs = new Map(rows.map((r) => [r.pipelineId, (r.result as { failed_jobs?: unknown[] } | null)?.failed_jobs?.length ?? 0]));
    const measured: TMeasured[] = [];
    const dumped = new Set<string>();
    for (const request of openai.requests) {
      const prompt = measureRequest(request);
      const pipeline = byJob.get(prompt.jobIds[0] ?? -1);
      if (!pipeline) throw new Error(`a request names no known job: ${prompt.jobIds.join(', ')}`);
      measured.push({ ...pipeline, prompt, failedJobsStored: storedJobs.get(pipeline.id) ?? 0 });
      if (DUMP_DIR && !dumped.has(pipeline.shape)) {
        dumped.add(pipeline.shape);
        fs.mkdirSync(DUMP_DIR, { recursive: true });
        const messages = (request.json as { messages: { role: string; content: string }[] }).messages;
        fs.writeFileSync(
          path.join(DUMP_DIR, `${pipeline.shape}.txt`),
          messages.map((m) => `===== ${m.role} =====\n${m.content}`).join('\n\n'),
        );
      }
    }
    if (measured.length !== PIPELINES)
      throw new Error(`${measured.length} provider requests for ${PIPELINES} pipelines (repairs or retries?)`);
    process.stdout.write(`${report(measured)}\n`);
  } finally {
    await ingest.close();
    await worker.close();
    await gitlab.close();
    await openai.close();
    await database.drop();
    await redis.cleanup();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
