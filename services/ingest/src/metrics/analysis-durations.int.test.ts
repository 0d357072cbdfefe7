import { Registry } from 'prom-client';
import { createTestDatabase, type TTestDatabase } from '@cia/db/testing';
import { seedAnalysis } from '../testing/analysis-fixtures';
import { createAnalysisDurations } from './analysis-durations';

let database: TTestDatabase;
let pipeline = 1;

beforeAll(async () => {
  database = await createTestDatabase('analysis_durations');
});
afterAll(async () => {
  await database?.drop();
});

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

/** Finishes one analysis `seconds` ago (its row created a minute earlier). */
async function finish(status: 'completed' | 'failed', secondsAgo: number): Promise<void> {
  const completedAt = ago(secondsAgo);
  await seedAnalysis(database.db, {
    pipelineId: pipeline++,
    status,
    timings: { fetch_ms: 800, analyze_ms: 4200 },
    createdAt: new Date(completedAt.getTime() - 60_000),
    completedAt,
  });
}

async function exposition(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n');
}

test('counts each analysis finished since the process started once, however many scrapes read it', async () => {
  await finish('completed', 600);
  const registry = new Registry();
  const durations = createAnalysisDurations(registry, database.db, ago(300));
  await finish('completed', 2);
  await finish('failed', 1);

  await Promise.all([durations.readNew(), durations.readNew()]);
  await durations.readNew();

  const lines = await exposition(registry);
  expect(lines).toContain('cia_analysis_duration_seconds_count{outcome="completed"} 1');
  expect(lines).toContain('cia_analysis_duration_seconds_count{outcome="failed"} 1');
  expect(lines).toContain('cia_analysis_duration_seconds_bucket{le="30",outcome="completed"} 0');
  expect(lines).toContain('cia_analysis_duration_seconds_bucket{le="60",outcome="completed"} 1');
  // The worker records step timings with a completed analysis.
  expect(lines).toContain('cia_analysis_step_duration_seconds_count{step="analyze"} 1');
  expect(lines).toContain('cia_analysis_step_duration_seconds_bucket{le="2.5",step="analyze"} 0');
  expect(lines).toContain('cia_analysis_step_duration_seconds_bucket{le="1",step="fetch"} 1');
});

test('an analysis that becomes visible after a later one was read is still counted', async () => {
  const registry = new Registry();
  const durations = createAnalysisDurations(registry, database.db, ago(300));
  const completed = async () =>
    Number(/^cia_analysis_duration_seconds_count\{outcome="completed"\} (\d+)$/m.exec(await registry.metrics())?.[1] ?? 0);
  await durations.readNew();
  const before = await completed();
  await finish('completed', 5);
  await durations.readNew();
  // Its transaction committed after that read, with a completed_at before the one already read.
  await finish('completed', 10);
  await durations.readNew();

  expect(await completed()).toBe(before + 2);
});
