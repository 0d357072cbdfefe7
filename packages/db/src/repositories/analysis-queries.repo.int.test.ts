import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '../testing';
import { PAGED_ROWS, answerQueries, seedKnownAnalyses, type TAnswers } from './analysis-queries.test-fixture';

async function answersOnPostgres(): Promise<TAnswers> {
  const database = await createTestDatabase('analysis_queries');
  try {
    await seedKnownAnalyses(database);
    return await answerQueries(database);
  } finally {
    await database.drop();
  }
}

/** PGlite's WASM needs the real Node runtime (tsx), not jest's module sandbox. */
async function answersOnPglite(): Promise<TAnswers> {
  const tsx = require.resolve('tsx/cli');
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, path.join(__dirname, 'analysis-queries.pglite-run.ts')], {
    maxBuffer: 10 * 1024 * 1024,
  });
  return JSON.parse(stdout) as TAnswers;
}

const ENGINES: [string, () => Promise<TAnswers>][] = [
  ['PostgreSQL', answersOnPostgres],
  ['PGlite', answersOnPglite],
];

describe.each(ENGINES)('analysis queries on %s', (_name, answer) => {
  let a: TAnswers;
  beforeAll(async () => {
    a = await answer();
  }, 60_000);

  test('the summary counts, rates, percentiles, tokens and cache hits come out of SQL exactly', () => {
    const s = a.summary;
    expect(s.total).toBe(6 + PAGED_ROWS);
    expect(s.by_status).toEqual({ completed: 3, failed: 1, running: 1, queued: 1 + PAGED_ROWS });
    expect(s.by_category).toEqual({ test: 2, dependency: 1 });
    expect(s.by_provider).toEqual({ openai: 1, anthropic: 1, offline: 1 });
    expect(s.success_rate).toBe(0.75);
    // percentile_cont over 10, 20, 40 s: p50 = 20, p95 = 20 + 0.9 * 20; end to end adds 2 s.
    expect(s.processing_seconds.p50).toBeCloseTo(20, 6);
    expect(s.processing_seconds.p95).toBeCloseTo(38, 6);
    expect(s.end_to_end_seconds.p50).toBeCloseTo(22, 6);
    expect(s.end_to_end_seconds.p95).toBeCloseTo(40, 6);
    expect(s.tokens).toEqual({ input: 3000, output: 500, total: 3500 });
    expect(s.cost_usd).toBeCloseTo(0.04, 9);
    expect(s.cache_hits).toBe(1);
    // No failed job got a verdict in this set: the verdict figures say so rather than divide by zero.
    expect(s.verdicts).toEqual({
      jobs: 0,
      by_kind: {},
      flaky: { suspected: 0, retried: 0, pending: 0, confirmed: 0, refuted: 0, confirmed_share: null },
    });
  });

  test('the summary honours filters and answers nulls when nothing finished', () => {
    expect(a.summaryProject2.total).toBe(2);
    expect(a.summaryProject2.by_status).toEqual({ completed: 1, running: 1 });
    expect(a.summaryProject2.success_rate).toBe(1);
    expect(a.summaryNone).toMatchObject({
      total: 0,
      success_rate: null,
      processing_seconds: { p50: null, p95: null },
      cost_usd: 0,
      by_status: {},
    });
    // since = T0 + 4 min: the running and queued analyses of the known set only (paged rows are in February).
    expect(a.summaryRecent.by_status).toEqual({ running: 1, queued: 1 + PAGED_ROWS });
  });

  test('the metrics snapshot groups outcomes, usage and provider errors', () => {
    const m = a.metrics;
    expect(m.analyses).toEqual(
      expect.arrayContaining([
        { status: 'completed', category: 'test', count: 2 },
        { status: 'completed', category: 'dependency', count: 1 },
        { status: 'failed', category: 'none', count: 1 },
      ]),
    );
    expect(m.failures).toEqual([{ code: 'provider_error', count: 1 }]);
    expect(m.usage).toEqual(
      expect.arrayContaining([
        { provider: 'openai', model: 'gpt-4o-mini', analyses: 1, inputTokens: 1000, outputTokens: 200, costUsd: 0.01, cacheHits: 0 },
      ]),
    );
    expect(m.usage.find((u) => u.provider === 'offline')).toMatchObject({ model: 'none', cacheHits: 1 });
    expect(m.providerErrors).toEqual([{ provider: 'openai', code: 'http_500', count: 2 }]);
  });

  test('finished analyses are read in the order they finished, a page after the other, with their durations', () => {
    const { seen, pages, afterSecond } = a.finished;
    // Finished 12, 82, 162 and 187 s after T0: completed after 12, 22 and 42 s end to end, failed after 7 s.
    expect(seen.map((f) => [f.outcome, f.endToEndSeconds])).toEqual([
      ['completed', 12],
      ['completed', 22],
      ['completed', 42],
      ['failed', 7],
    ]);
    expect(seen[0]!.stepSeconds).toEqual({ fetch: 1.5, analyze: 0.25, total: 10 });
    expect(seen[3]!.stepSeconds).toEqual({});
    expect(pages).toBe(3);
    expect(afterSecond).toEqual([seen[2]!.id, seen[3]!.id]);
  });

  test('walking every page returns each row once, newest first, even within one millisecond', () => {
    expect(a.walkBy4.ids).toHaveLength(PAGED_ROWS);
    expect(new Set(a.walkBy4.ids).size).toBe(PAGED_ROWS);
    expect(a.walkBy4.pages).toBe(5);
    expect(a.all.ids).toEqual(a.walkBy4.ids);
    expect(a.all.next).toBeNull();
    expect([...a.all.times].sort((x, y) => y - x)).toEqual(a.all.times);
  });

  test('a last page exactly as long as what is left has no next cursor', () => {
    expect(a.walkBy9.pages).toBe(2);
    expect(a.walkBy9.ids).toEqual(a.all.ids);
  });
});
