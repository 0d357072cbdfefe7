import { excerptLog } from './excerpt';

/**
 * Failure reports of tool families, in the style the tools print them (synthetic, short), each
 * after a build prelude of ordinary lines and before the runner's step-exit line.
 */
function ciLog(report: string[], options: { filler?: number; exit?: string } = {}): string {
  const prelude = Array.from({ length: options.filler ?? 300 }, (_, i) => `  building module_${i}.o ok (${i % 9} ms)`);
  return ['$ ./ci/test.sh', ...prelude, ...report, options.exit ?? 'ERROR: Job failed: exit code 1'].join('\n');
}

const texts = (e: { lines: { text: string }[] }) => e.lines.map((l) => l.text);

const FAMILIES: [string, string[], string[]][] = [
  [
    'ScalaTest *** FAILED *** under [info]',
    [
      '[info] CartSpec:',
      '[info] - should add items',
      '[info] - should sum prices *** FAILED ***',
      '[info]   3 did not equal 4 (CartSpec.scala:12)',
      '[info] Run completed in 1 second.',
      '[info] *** 1 TEST FAILED ***',
      '[error] Failed tests:',
      '[error] \tcom.acme.CartSpec',
      '[error] (Test / test) sbt.TestsFailedException: Tests unsuccessful',
    ],
    ['[info] - should sum prices *** FAILED ***', '[info]   3 did not equal 4 (CartSpec.scala:12)', '[error] Failed tests:'],
  ],
  [
    'Erlang common_test failed on line / Reason',
    [
      'Testing acme.cart_SUITE: Starting test, 3 test cases',
      '- - - - - - - - - - - - - - - - - - - - - - - - - -',
      'cart_SUITE:sum_prices failed on line 42',
      'Reason: {badmatch,3}',
      '- - - - - - - - - - - - - - - - - - - - - - - - - -',
      'Testing acme.cart_SUITE: *** FAILED test case 2 of 3 ***',
      'Testing acme.cart_SUITE: TEST COMPLETE, 2 ok, 1 failed of 3 test cases',
    ],
    [
      'cart_SUITE:sum_prices failed on line 42',
      'Reason: {badmatch,3}',
      'Testing acme.cart_SUITE: TEST COMPLETE, 2 ok, 1 failed of 3 test cases',
    ],
  ],
  [
    'xUnit Assert.Equal() Failure with Expected/Actual',
    [
      '[xUnit.net 00:00:01.52]     Acme.Tests.CartTests.SumsPrices [FAIL]',
      '  Failed Acme.Tests.CartTests.SumsPrices [12 ms]',
      '  Error Message:',
      '   Assert.Equal() Failure',
      'Expected: 4',
      'Actual:   3',
      '  Stack Trace:',
      '     at Acme.Tests.CartTests.SumsPrices() in /src/Acme.Tests/CartTests.cs:line 21',
      'Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 2 s - Acme.Tests.dll (net8.0)',
    ],
    [
      '   Assert.Equal() Failure',
      'Expected: 4',
      'Actual:   3',
      'Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 2 s - Acme.Tests.dll (net8.0)',
    ],
  ],
  [
    'Pester [-] with Expected ... but got',
    [
      'Describing Get-Cart',
      '  [+] returns an empty cart 21ms',
      '  [-] sums the prices 35ms',
      '    Expected 4, but got 3.',
      '    at $cart.Total | Should -Be 4, /src/tests/Get-Cart.Tests.ps1:14',
      'Tests completed in 1.2s',
      'Tests Passed: 7, Failed: 1, Skipped: 0, NotRun: 0',
    ],
    ['  [-] sums the prices 35ms', '    Expected 4, but got 3.', 'Tests Passed: 7, Failed: 1, Skipped: 0, NotRun: 0'],
  ],
  [
    'PHPUnit summary',
    [
      'PHPUnit 10.5.2 by Sebastian Bergmann and contributors.',
      '',
      '..E.',
      '',
      'There was 1 error:',
      '',
      '1) Acme\\Tests\\CartTest::testTotal',
      'TypeError: Acme\\Cart::total(): Return value must be of type int, null returned',
      '',
      '/app/src/Cart.php:31',
      '/app/tests/CartTest.php:18',
      '',
      'ERRORS!',
      'Tests: 4, Assertions: 9, Errors: 1.',
    ],
    [
      '1) Acme\\Tests\\CartTest::testTotal',
      'TypeError: Acme\\Cart::total(): Return value must be of type int, null returned',
      'Tests: 4, Assertions: 9, Errors: 1.',
    ],
  ],
  [
    'JUnit / Surefire summary',
    [
      'Results :',
      '',
      'Failed tests: ',
      '  CartTest.sumsPrices:42 expected:<4> but was:<3>',
      'Tests in error: ',
      '  pays(com.acme.CheckoutTest): Connection refused',
      '',
      'Tests run: 57, Failures: 1, Errors: 1, Skipped: 0',
      '',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.22.2:test (default-test) on project cart: There are test failures.',
    ],
    [
      '  CartTest.sumsPrices:42 expected:<4> but was:<3>',
      '  pays(com.acme.CheckoutTest): Connection refused',
      'Tests run: 57, Failures: 1, Errors: 1, Skipped: 0',
    ],
  ],
  [
    'lint reporter file:line message (rule)',
    [
      '$ markdownlint docs/',
      'docs/install.md:12 MD013/line-length Line length [Expected: 80; Actual: 132]',
      '$ hadolint Dockerfile',
      'Dockerfile:7 DL3008 warning: Pin versions in apt get install',
      '$ pyflakes src',
      "src/cart.py:3: 'os' imported but unused",
      "src/cart.py:9: undefined name 'Decimal'",
      '$ ktlint',
      'src/main/kotlin/Cart.kt:4:1: Unexpected blank line(s) before "}" (no-blank-line-before-rbrace)',
    ],
    [
      'docs/install.md:12 MD013/line-length Line length [Expected: 80; Actual: 132]',
      "src/cart.py:9: undefined name 'Decimal'",
      'src/main/kotlin/Cart.kt:4:1: Unexpected blank line(s) before "}" (no-blank-line-before-rbrace)',
    ],
  ],
  [
    'format check whose evidence is a printed diff --git',
    [
      '$ cargo fmt --all',
      '$ git diff --exit-code',
      'diff --git a/src/cart.rs b/src/cart.rs',
      'index 3b18e51..a9c2f41 100644',
      '--- a/src/cart.rs',
      '+++ b/src/cart.rs',
      '@@ -10,7 +10,9 @@ impl Cart {',
      '     pub fn total(&self) -> u32 {',
      '-        self.items.iter().map(|i| i.price).sum()',
      '+        self.items',
      '+            .iter()',
      '+            .map(|i| i.price)',
      '+            .sum()',
      '     }',
    ],
    ['diff --git a/src/cart.rs b/src/cart.rs', '-        self.items.iter().map(|i| i.price).sum()', '+            .map(|i| i.price)'],
  ],
  [
    'the first error of a Maven [ERROR] block, without the advice after it',
    [
      '[INFO] BUILD FAILURE',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile (default-compile) on project cart: Compilation failure',
      '[ERROR] /builds/acme/cart/target/classes/com/acme/Cart.class: No space left on device',
      '[ERROR] -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
    ],
    ['[ERROR] /builds/acme/cart/target/classes/com/acme/Cart.class: No space left on device'],
  ],
  [
    'GitHub Actions ##[error] annotations in a timestamped raw log',
    [
      '2024-05-01T10:00:01.1234567Z ##[group]Run npm test',
      '2024-05-01T10:00:01.2234567Z ##[endgroup]',
      "2024-05-01T10:00:09.0000000Z ##[error]src/cart.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      '2024-05-01T10:00:09.1000000Z ##[error]Process completed with exit code 2.',
    ],
    [
      "2024-05-01T10:00:09.0000000Z ##[error]src/cart.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      '2024-05-01T10:00:09.1000000Z ##[error]Process completed with exit code 2.',
    ],
  ],
];

describe('excerptLog finds the failure reports of more tool families', () => {
  it.each(FAMILIES)('%s', async (_name, report, expected) => {
    const got = texts(await excerptLog(ciLog(report)));
    for (const e of expected) expect(got).toContain(e);
    expect(got).not.toContain('  building module_10.o ok (1 ms)');
  });

  it('leaves out the advice Maven prints after its error', async () => {
    const got = texts(
      await excerptLog(
        ciLog(
          [
            '[ERROR] Failed to execute goal x:y:1.0:z (default) on project cart: boom',
            '[ERROR] -> [Help 1]',
            '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
          ],
          { filler: 10 },
        ),
        { maxLines: 2 },
      ),
    );
    expect(got).toContain('[ERROR] Failed to execute goal x:y:1.0:z (default) on project cart: boom');
    expect(got).not.toContain('[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.');
  });
});

describe('excerptLog reads long failure reports from their head', () => {
  it('keeps the first pytest failure in full rather than a long list of failed tests', async () => {
    const failedList = Array.from({ length: 80 }, (_, i) => `tests/test_api.py::test_endpoint_${i} FAILED`);
    const firstReport = [
      '=================================== FAILURES ===================================',
      '_______________________________ test_endpoint_0 ________________________________',
      '',
      'client = <tests.conftest.Client object at 0x7f00>',
      '',
      '    def test_endpoint_0(client):',
      '>       r = client.get("/api/0")',
      '',
      'tests/test_api.py:12: ',
      '_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ ',
      ...Array.from({ length: 62 }, (_, i) => `        line_${i} = session.prepare(request, retries=${i})`),
      'E       ConnectionError: HTTPConnectionPool(host="api", port=80): Max retries exceeded',
      '',
      'venv/lib/python3.11/site-packages/requests/adapters.py:519: ConnectionError',
    ];
    const later = Array.from({ length: 79 }, (_, i) => [
      `_______________________________ test_endpoint_${i + 1} ________________________________`,
      ...Array.from({ length: 20 }, (_, k) => `        step_${k} = session.prepare(request, retries=${k})`),
      `E       ConnectionError: HTTPConnectionPool(host="api-${i + 1}", port=80): Max retries exceeded`,
    ]).flat();
    const got = texts(await excerptLog(ciLog([...failedList, ...firstReport, ...later, '============ 80 failed in 12.31s ============'])));
    for (const line of firstReport.filter((l) => l.trim().length > 0)) expect(got).toContain(line);
    expect(got.filter((l) => l.endsWith(' FAILED')).length).toBeLessThan(failedList.length);
  });

  it('keeps the head, the Caused by and the project’s own frames of a long JVM trace on a short budget', async () => {
    const runtime = (n: number) =>
      Array.from({ length: n }, (_, i) => `\tat org.junit.runners.ParentRunner.runChild${i}(ParentRunner.java:${300 + i})`);
    const trace = [
      'cartTotal(com.acme.cart.CartTest)  Time elapsed: 0.02 sec  <<< ERROR!',
      'java.lang.IllegalStateException: price list not loaded',
      '\tat com.acme.cart.Cart.total(Cart.java:42)',
      ...runtime(40),
      '\tat com.acme.cart.CartTest.cartTotal(CartTest.java:17)',
      ...runtime(30),
      'Caused by: java.io.FileNotFoundException: prices.csv (No such file or directory)',
      '\tat java.io.FileInputStream.open0(Native Method)',
      '\tat com.acme.cart.PriceList.load(PriceList.java:23)',
      ...runtime(30),
      '',
      'Results :',
      '',
      'Tests in error: ',
      '  cartTotal(com.acme.cart.CartTest): price list not loaded',
      '',
      'Tests run: 12, Failures: 0, Errors: 1, Skipped: 0',
      '',
      '[INFO] ------------------------------------------------------------------------',
      '[INFO] BUILD FAILURE',
      '[INFO] ------------------------------------------------------------------------',
      '[INFO] Total time:  14.2 s',
      '[INFO] Finished at: 2024-05-01T10:00:00Z',
      '[INFO] ------------------------------------------------------------------------',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project cart: There are test failures.',
      '[ERROR] ',
      '[ERROR] Please refer to /builds/acme/cart/target/surefire-reports for the individual test results.',
      '[ERROR] -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
    ];
    const got = texts(await excerptLog(ciLog(trace), { maxLines: 20 }));
    for (const line of [
      trace[0],
      trace[1],
      trace[2],
      '\tat com.acme.cart.CartTest.cartTotal(CartTest.java:17)',
      'Caused by: java.io.FileNotFoundException: prices.csv (No such file or directory)',
      '\tat com.acme.cart.PriceList.load(PriceList.java:23)',
    ]) {
      expect(got).toContain(line);
    }
  });

  it('keeps a sanitizer report’s frames but not its shadow-memory map', async () => {
    const frames = Array.from({ length: 30 }, (_, i) => `    #${i + 1} 0x4f${i}a0 in step_${i} /builds/acme/engine/src/step.c:${10 + i}:3`);
    const shadow = Array.from(
      { length: 40 },
      (_, i) => `  0x0c0680000${String(i).padStart(2, '0')}0: fa fa fa fa fd fd fd fd fa fa fa fa fa fa fa fa`,
    );
    const report = [
      '==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010 at pc 0x4f1a2b bp 0x7ffd sp 0x7ffc',
      'READ of size 4 at 0x602000000010 thread T0',
      '    #0 0x4f1a2a in parse_header /builds/acme/engine/src/parse.c:88:12',
      ...frames,
      'SUMMARY: AddressSanitizer: heap-use-after-free /builds/acme/engine/src/parse.c:88:12 in parse_header',
      'Shadow bytes around the buggy address:',
      ...shadow,
      '==4242==ABORTING',
    ];
    const got = texts(await excerptLog(ciLog(report), { maxLines: 40 }));
    // Every frame and the summary, before any of the map.
    for (const line of report.slice(0, report.length - 42)) expect(got).toContain(line);
    expect(got.filter((l) => shadow.includes(l)).length).toBeLessThan(5);
  });
});

describe('excerptLog on timestamped raw logs (GitHub Actions, Jenkins timestamper)', () => {
  it('selects the same lines as without the timestamps', async () => {
    const report = [
      '##[group]Run pytest -q',
      '##[endgroup]',
      ...Array.from({ length: 30 }, (_, i) => `tests/test_cart.py::test_case_${i} PASSED`),
      '=================================== FAILURES ===================================',
      '________________________________ test_total ________________________________',
      'Traceback (most recent call last):',
      ...Array.from({ length: 70 }, (_, i) => `  File "/home/runner/work/cart/cart/src/cart/step_${i}.py", line ${i + 3}, in step_${i}`),
      'ValueError: price list not loaded',
      '=========================== 1 failed, 30 passed in 2.31s ===========================',
      '##[error]Process completed with exit code 1.',
    ];
    const stamp = (i: number) =>
      `2024-05-01T10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.1234567Z `;
    const plain = report.join('\n');
    const stamped = report.map((l, i) => `${stamp(i)}${l}`).join('\n');
    const fromPlain = texts(await excerptLog(plain, { maxLines: 40 }));
    const fromStamped = texts(await excerptLog(stamped, { maxLines: 40 })).map((l) => l.slice(stamp(0).length));
    expect(fromStamped).toEqual(fromPlain);
  });
});
