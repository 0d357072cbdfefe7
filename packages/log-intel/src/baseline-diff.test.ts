import { diffAgainstBaseline } from './baseline-diff';
import { excerptLog } from './excerpt';

const PASSING = [
  '$ pytest -q',
  'WARNING: could not reach the metrics server 10.0.0.7:8125, retrying',
  '41 passed in 2.31s',
  'Job succeeded',
].join('\n');

const failing = (extra: string[]) =>
  ['$ pytest -q', 'WARNING: could not reach the metrics server 10.0.0.9:8125, retrying', ...extra, 'ERROR: Job failed: exit code 1'].join(
    '\n',
  );

describe('diffAgainstBaseline', () => {
  it('counts the failure lines the passing run does not have', async () => {
    const log = failing([
      'FAILED tests/test_cart.py::test_total - AssertionError: assert 3 == 4',
      'E       AssertionError: assert 3 == 4',
      '1 failed, 40 passed in 2.42s',
    ]);
    const excerpt = await excerptLog(log);
    const diff = await diffAgainstBaseline(excerpt.lines, PASSING);
    // The metrics warning is a failure line too, but the passing run printed it (another address): not new.
    expect(diff.newFailureLines).toBeGreaterThanOrEqual(2);
    expect(diff.failureLines).toBe(diff.newFailureLines + 1);
  });

  it('finds nothing new when the passing run printed the same failure lines, and ignores the runner’s own exit line', async () => {
    const noisy = ['ERROR: could not connect to cache server cache.internal:6379', '41 passed in 2.31s'];
    const passing = ['$ pytest -q', 'WARNING: could not reach the metrics server 10.0.0.7:8125, retrying', ...noisy, 'Job succeeded'].join(
      '\n',
    );
    const diff = await diffAgainstBaseline((await excerptLog(failing(noisy))).lines, passing);
    expect(diff).toEqual({ failureLines: 2, newFailureLines: 0 });
  });
});
