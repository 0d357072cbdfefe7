import { CORE_SCORE } from './excerpt-rank';
import { scoreLine } from './line-score';

describe('scoreLine', () => {
  it('counts a diagnostic that names its -Werror flag as a failure, but not a command line passing -Werror', () => {
    expect(scoreLine('src/Lib/Suggest.hs:8:1: error: [-Wunused-imports, -Werror=unused-imports]').score).toBeGreaterThanOrEqual(CORE_SCORE);
    expect(scoreLine('src/a.c:3:5: error: unused variable ‘x’ [-Werror=unused-variable]').score).toBeGreaterThanOrEqual(CORE_SCORE);
    expect(scoreLine('cc -O2 -Wall -Werror -c src/a.c -o a.o error.o').score).toBeLessThan(CORE_SCORE);
  });

  it('counts GNU path:line:col diagnostics, but not warnings and notes', () => {
    expect(scoreLine('  /builds/acme/lib/f.js:3:7: Strings must use singlequote.').score).toBeGreaterThanOrEqual(CORE_SCORE);
    expect(scoreLine('ext/m.c:10:5: warning: unused variable ‘v’ [-Wunused-variable]').score).toBeLessThan(CORE_SCORE);
    expect(scoreLine('ext/m.c:12:5: note: declared here').score).toBeLessThan(CORE_SCORE);
  });

  it.each([
    ['ScalaTest matcher', '[info]   3 did not equal 4 (CartSpec.scala:12)'],
    ['Erlang common_test', 'cart_SUITE:sum_prices failed on line 42'],
    ['Erlang common_test reason', 'Reason: {badmatch,3}'],
    ['xUnit assertion', '   Assert.Equal() Failure'],
    ['xUnit summary', 'Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 2 s - Acme.Tests.dll (net8.0)'],
    ['Pester summary', 'Tests Passed: 7, Failed: 1, Skipped: 0, NotRun: 0'],
    ['PHPUnit summary', 'Tests: 4, Assertions: 9, Errors: 1.'],
    ['Surefire summary', 'Tests run: 57, Failures: 1, Errors: 0, Skipped: 0'],
    ['Surefire error item', '  pays(com.acme.CheckoutTest): Connection refused'],
    ['markdownlint', 'docs/install.md:12 MD013/line-length Line length [Expected: 80; Actual: 132]'],
    ['pyflakes', "src/cart.py:9: undefined name 'Decimal'"],
    ['a diff printed by a format check', 'diff --git a/src/cart.rs b/src/cart.rs'],
    ['Prettier', '[warn] Code style issues found in 2 files. Forgot to run Prettier?'],
    ['a full disk', 'cp: error writing /builds/acme/out/app.tar: No space left on device'],
    ['a GitHub Actions annotation in a timestamped log', '2024-05-01T10:00:09.0000000Z ##[error]Process completed with exit code 2.'],
    ['a failure in a timestamped GitHub Actions log', '2024-05-01T10:00:09.0000000Z FAIL: test_total (tests.CartTest)'],
  ])('counts a %s line as a failure', (_family, line) => {
    expect(scoreLine(line).score).toBeGreaterThanOrEqual(CORE_SCORE);
  });

  it.each([
    ['Maven advice after an error', '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.'],
    ['Maven help link', '[ERROR] -> [Help 1]'],
    ['a command echoed by set -x', "++ fail functionaltests F 'Functional tests failed'"],
    ['a javac deprecation under [ERROR]', '[ERROR] /src/Y.java:[12,5] [deprecation] Foo in com.acme has been deprecated'],
    ['debug logging that names an exception', '12:00:01.123 [main] DEBUG org.acme.Pool - Caught exception java.io.IOException, retrying'],
    ['a passing summary', 'Tests run: 57, Failures: 0, Errors: 0, Skipped: 2'],
  ])('does not count %s as a failure', (_what, line) => {
    expect(scoreLine(line).score).toBeLessThan(CORE_SCORE);
  });
});
