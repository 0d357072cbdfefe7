import { runKillWorkerDrill } from '../../bench/drills/kill-worker.drill';
import { createSilentReport, failedChecks } from './drill-harness';

/**
 * The kill -9 drill, small: one of two worker processes is killed mid-analysis while failed
 * pipelines arrive; with a short lock its stalled jobs move to the survivor and every accepted
 * pipeline ends with exactly one completed analysis.
 */
test('a worker killed with SIGKILL mid-analysis loses nothing and doubles nothing', async () => {
  const report = createSilentReport('kill-worker');
  await runKillWorkerDrill(report, {
    pipelines: 120,
    concurrency: 10,
    aiLatencyMs: 200,
    timeoutMs: 40_000,
    workerEnv: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' },
  });
  expect(failedChecks(report)).toEqual([]);
  // The victim held jobs when it died, and they were recovered rather than lost.
  const stalled = report.checks.find((c) => c.name.includes('recovered as stalled'));
  expect(stalled?.detail).toMatch(/^[1-9]\d* completed jobs had stalled/);
}, 90_000);
