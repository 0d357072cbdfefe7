import { runPoisonDrill } from '../../bench/drills/poison-job.drill';
import { createSilentReport, failedChecks } from './drill-harness';

/**
 * The poison drill, small: pipelines whose AI call is always rejected end as failed with the
 * reason after every configured attempt (the backoff between attempts is skipped by promoting the
 * delayed retries), visible in the API and BullMQ's failed set, while healthy ones complete.
 */
test('poison jobs fail for good after the configured attempts and the pool keeps working', async () => {
  const report = createSilentReport('poison-job');
  await runPoisonDrill(report, { poison: 2, healthy: 5, skipBackoff: true, timeoutMs: 30_000 });
  expect(report.checks.length).toBeGreaterThanOrEqual(8);
  expect(failedChecks(report)).toEqual([]);
}, 90_000);
