import { runWebhookFuzzDrill } from '../../bench/drills/webhook-fuzz.drill';
import { createSilentReport, failedChecks } from './drill-harness';

/**
 * The fuzz drill, small, against ingest running as its own process: seeded malformed deliveries
 * (wrong token, broken JSON, wrong types, oversized...) all get a 4xx and the process survives.
 */
test('fuzzed webhook deliveries are all refused with a 4xx, never a 5xx', async () => {
  const report = createSilentReport('webhook-fuzz');
  await runWebhookFuzzDrill(report, { requests: 200 });
  expect(report.checks.map((c) => c.name)).toEqual(
    expect.arrayContaining(['no 5xx and no dropped connection', 'every fuzzed delivery refused with a 4xx']),
  );
  expect(failedChecks(report)).toEqual([]);
}, 90_000);
