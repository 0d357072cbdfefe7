// The analyzer with the result cache the worker gives it: the fingerprints table.
import { eq } from 'drizzle-orm';
import { analyzePipeline, type TResultCache } from '@cia/ai';
import { buildSampleInput, SAMPLE_LOGS, startFakeOpenAi, type TFakeProviderServer } from '@cia/ai/testing';
import { testConfig } from '@cia/config/testing';
import { createFingerprintCache, fingerprints } from '@cia/db';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';

let db: TTestDatabase;
let cache: TResultCache;
let openai: TFakeProviderServer;

beforeAll(async () => {
  [db, openai] = await Promise.all([createTestDatabase('result_cache'), startFakeOpenAi()]);
  cache = createFingerprintCache(db.db);
});
afterAll(async () => {
  await Promise.all([db.drop(), openai.close()]);
});
beforeEach(() => {
  openai.requests.length = 0;
});

const settings = (overrides: Record<string, string> = {}) =>
  testConfig({
    ...openai.env,
    DEFAULT_AI_PROVIDER: 'openai',
    AI_RULES_FIRST: 'false',
    AI_MAX_RETRIES: '0',
    AI_CACHE_TTL_HOURS: '24',
    ...overrides,
  });

/** The same failure in another pipeline: other ids, other timestamps in the log. */
function failureOfPipeline(pipelineId: number, jobId: number, log: string) {
  return buildSampleInput([{ id: jobId, name: 'build', stage: 'build', log }], {
    pipeline: { id: pipelineId, ref: 'main', sha: `${pipelineId}`.padEnd(40, '0'), url: null },
  });
}

test('the same failure again reuses the stored result: no provider call, zero tokens, and it says so', async () => {
  const first = await analyzePipeline(failureOfPipeline(1, 11, SAMPLE_LOGS.npmDependency), {
    settings: settings(),
    cache,
    analysisId: undefined,
  });
  expect(first.cacheHit).toBe(false);
  expect(openai.requests).toHaveLength(1);
  const [row] = await db.db.select().from(fingerprints).where(eq(fingerprints.fingerprint, first.fingerprint));
  expect(row?.result.summary).toBe(first.result.summary);

  const again = await analyzePipeline(
    failureOfPipeline(2, 22, SAMPLE_LOGS.npmDependency.replace('2026-11-20T10_11_12_345Z', '2026-11-21T08_00_01_002Z')),
    {
      settings: settings(),
      cache,
    },
  );

  expect(openai.requests).toHaveLength(1);
  expect(again.cacheHit).toBe(true);
  expect(again.fingerprint).toBe(first.fingerprint);
  expect(again.provider).toBe('cache');
  expect(again.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
  expect(again.result.source?.kind).toBe('cache');
  expect(again.result.source?.detail).toContain('originally ai: openai');
  expect(again.result.summary).toBe(first.result.summary);
  expect(again.result.failed_jobs.map((j) => j.job_id)).toEqual([22]);
  expect(again.result.failed_jobs[0]!.findings).toEqual(first.result.failed_jobs[0]!.findings);
});

test('a stored result older than AI_CACHE_TTL_HOURS is not reused', async () => {
  const first = await analyzePipeline(failureOfPipeline(3, 33, SAMPLE_LOGS.jestTest), { settings: settings(), cache });
  expect(openai.requests).toHaveLength(1);

  const later = new Date(Date.now() + 25 * 3_600_000);
  const again = await analyzePipeline(failureOfPipeline(4, 44, SAMPLE_LOGS.jestTest), { settings: settings(), cache, now: () => later });

  expect(again.fingerprint).toBe(first.fingerprint);
  expect(again.cacheHit).toBe(false);
  expect(openai.requests).toHaveLength(2);
  expect(await cache.find(first.fingerprint, 24, later)).not.toBeNull();
});

test('AI_CACHE_TTL_HOURS=0 neither reuses nor stores results', async () => {
  const input = failureOfPipeline(5, 55, SAMPLE_LOGS.outOfMemory);
  const first = await analyzePipeline(input, { settings: settings({ AI_CACHE_TTL_HOURS: '0' }), cache });
  await analyzePipeline(input, { settings: settings({ AI_CACHE_TTL_HOURS: '0' }), cache });

  expect(openai.requests).toHaveLength(2);
  expect(await db.db.select().from(fingerprints).where(eq(fingerprints.fingerprint, first.fingerprint))).toEqual([]);
});

test('a different failure of the same job is not served from the cache', async () => {
  await analyzePipeline(failureOfPipeline(6, 66, SAMPLE_LOGS.typescriptBuild), { settings: settings(), cache });
  const other = await analyzePipeline(failureOfPipeline(7, 77, SAMPLE_LOGS.unknown), { settings: settings(), cache });

  expect(other.cacheHit).toBe(false);
  expect(openai.requests).toHaveLength(2);
});
