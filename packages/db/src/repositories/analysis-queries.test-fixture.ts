import { sql } from 'drizzle-orm';
import type { TAnalysisResult, TCategory } from '@cia/contracts';
import type { TDatabase } from '../client';
import { completeAnalysis, failAnalysis, markRunning, registerFailure, updateAnalysis } from './analyses.repo';
import {
  listAnalyses,
  listFinishedAnalyses,
  readAnalysisMetrics,
  summarizeAnalyses,
  type TAnalysisCursor,
  type TFinishedCursor,
} from './analysis-queries.repo';

/** Known data and the answers of every query over it, shared by the PostgreSQL and PGlite runs. */

const T0 = Date.parse('2026-01-01T00:00:00Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000);
export const PAGED_PROJECT = 50;
export const PAGED_ROWS = 18;

function result(category: TCategory, fingerprint: string): TAnalysisResult {
  return {
    summary: 's',
    root_cause: 'r',
    category,
    severity: 'low',
    confidence: 0.5,
    failed_jobs: [],
    solutions: [],
    prevention: [],
    flaky_suspected: { suspected: false, reason: '' },
    fingerprint,
    documentation_links: [],
  };
}

async function seed(database: TDatabase, projectId: number, pipelineId: number): Promise<number> {
  const reg = await registerFailure(database.db, {
    trigger: 'webhook',
    project: { id: projectId, path: `p/${projectId}` },
    pipeline: { id: pipelineId, ref: 'main', sha: null, url: null },
    failedJobs: [{ id: 1, name: 'build', stage: 'build', status: 'failed' }],
  });
  return reg.analysisId;
}

export async function seedKnownAnalyses(database: TDatabase): Promise<void> {
  // Projects 1 and 2, created at T0 + n minutes, started 2 s later, finished after `proc` s.
  const specs = [
    {
      pid: 1,
      status: 'completed',
      category: 'test',
      provider: 'openai',
      model: 'gpt-4o-mini',
      inp: 1000,
      out: 200,
      cost: 0.01,
      cache: false,
      proc: 10,
    },
    {
      pid: 2,
      status: 'completed',
      category: 'dependency',
      provider: 'anthropic',
      model: 'claude',
      inp: 2000,
      out: 300,
      cost: 0.03,
      cache: false,
      proc: 20,
    },
    { pid: 1, status: 'completed', category: 'test', provider: 'offline', model: null, inp: 0, out: 0, cost: 0, cache: true, proc: 40 },
    { pid: 1, status: 'failed', proc: 5 },
    { pid: 2, status: 'running', proc: 0 },
    { pid: 1, status: 'queued', proc: 0 },
  ] as const;
  let pipeline = 100;
  for (const [i, s] of specs.entries()) {
    const id = await seed(database, s.pid, pipeline++);
    if (s.status !== 'queued') await markRunning(database.db, id);
    if (s.status === 'completed') {
      await completeAnalysis(database.db, id, {
        result: result(s.category, `fp-${i}`),
        provider: s.provider,
        model: s.model,
        promptVersion: null,
        inputTokens: s.inp,
        outputTokens: s.out,
        costUsd: s.cost,
        cacheHit: s.cache,
        timings: { fetch_ms: 1500, analyze_ms: 250, total_ms: s.proc * 1000, note: 3 },
      });
    }
    if (s.status === 'failed') await failAnalysis(database.db, id, { code: 'provider_error', message: 'x' });
    await updateAnalysis(database.db, id, {
      createdAt: at(i * 60),
      startedAt: s.status === 'queued' ? null : at(i * 60 + 2),
      completedAt: s.status === 'completed' || s.status === 'failed' ? at(i * 60 + 2 + s.proc) : null,
      ...(s.status === 'failed'
        ? {
            fetchState: {
              provider_errors: [
                { provider: 'openai', code: 'http_500' },
                { provider: 'openai', code: 'http_500' },
              ],
            },
          }
        : {}),
    });
  }
  // Paged project: 6 rows share one timestamp (ties broken by id), 6 differ only by microseconds
  // (a JS Date cannot tell them apart), 6 are seconds apart.
  for (let i = 0; i < PAGED_ROWS; i++) {
    const id = await seed(database, PAGED_PROJECT, 1000 + i);
    const micros = i >= 6 && i < 12 ? `000${100 + i}`.slice(-6) : '000000';
    const second = i < 12 ? 0 : i;
    await database.db.execute(
      sql`update analyses set created_at = ${`2026-02-01T00:00:${String(second).padStart(2, '0')}.${micros}Z`}::timestamptz where id = ${id}`,
    );
  }
}

async function walkPages(database: TDatabase, limit: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let cursor: TAnalysisCursor | undefined;
  let pages = 0;
  for (; pages < 50;) {
    const page = await listAnalyses(database.db, { projectId: PAGED_PROJECT }, { limit, cursor });
    pages++;
    ids.push(...page.rows.map((r) => r.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return { ids, pages };
}

/** Finished analyses read two at a time from the start of the known set, as the metrics read them. */
async function walkFinished(database: TDatabase) {
  const seen: { id: number; outcome: string; endToEndSeconds: number; stepSeconds: Record<string, number> }[] = [];
  let cursor: TFinishedCursor = { completedAt: at(0).toISOString(), id: 0 };
  let pages = 0;
  for (; pages < 10; pages++) {
    const page = await listFinishedAnalyses(database.db, cursor, 2);
    seen.push(...page.map(({ id, outcome, endToEndSeconds, stepSeconds }) => ({ id, outcome, endToEndSeconds, stepSeconds })));
    if (page.length < 2) break;
    cursor = page.at(-1)!.cursor;
  }
  const afterSecond = seen[1] ? await listFinishedAnalyses(database.db, { completedAt: at(82).toISOString(), id: seen[1].id }, 10) : [];
  return { seen, pages: pages + 1, afterSecond: afterSecond.map((f) => f.id) };
}

/** Every answer the tests check, as plain JSON (it crosses a process boundary for PGlite). */
export async function answerQueries(database: TDatabase) {
  const all = await listAnalyses(database.db, { projectId: PAGED_PROJECT }, { limit: 100 });
  return {
    summary: await summarizeAnalyses(database.db),
    summaryProject2: await summarizeAnalyses(database.db, { projectId: 2 }),
    summaryNone: await summarizeAnalyses(database.db, { projectId: 999 }),
    summaryRecent: await summarizeAnalyses(database.db, { since: at(4 * 60), projectId: undefined }),
    metrics: await readAnalysisMetrics(database.db),
    finished: await walkFinished(database),
    walkBy4: await walkPages(database, 4),
    walkBy9: await walkPages(database, 9),
    all: { ids: all.rows.map((r) => r.id), times: all.rows.map((r) => r.createdAt.getTime()), next: all.nextCursor },
  };
}
export type TAnswers = Awaited<ReturnType<typeof answerQueries>>;
