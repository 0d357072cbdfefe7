import { excerptLog } from './excerpt';

const texts = (e: { lines: { text: string }[] }) => e.lines.map((l) => l.text);
const filler = (n: number, what: string) => Array.from({ length: n }, (_, i) => `  ${what} ${i} done`);

describe('the step that failed, when the runner names its command', () => {
  // Travis: `$ ./ci/test.sh` runs yarn, which echoes its own `$ tsc ...`, `$ lite-server ...`.
  const log = [
    '$ ./ci/setup.sh',
    ...filler(80, 'setup task'),
    'The command "./ci/setup.sh" exited with 0.',
    '$ ./ci/test.sh',
    '$ tsc -p src/',
    "src/cart.ts(3,5): error TS2304: Cannot find name 'expect'.",
    "src/cart.ts(9,5): error TS2304: Cannot find name 'expect'.",
    ...filler(80, 'page served'),
    '$ lite-server -c=bs-config.json',
    'info "fsevents@1.2.7" is an optional dependency and failed compatibility check. Excluding it from installation.',
    ...filler(30, 'request served'),
    'The command "./ci/test.sh" exited with 1.',
  ].join('\n');

  test('failure lines of an inner command count as the failed step, not only the last inner echo', async () => {
    const excerpt = await excerptLog(log, { maxLines: 3 });
    expect(texts(excerpt)).toEqual(expect.arrayContaining([expect.stringContaining('src/cart.ts(3,5): error TS2304')]));
    expect(texts(excerpt).join('\n')).not.toContain('fsevents');
  });
});

describe('expected failures (XFAIL)', () => {
  test("PHP run-tests: an XFAIL test's diff is not the evidence; the FAIL test's diff is", async () => {
    const log = [
      '$ make test',
      ...filler(60, 'TEST passed'),
      '========DIFF========',
      '001+ Fatal error: Uncaught Exception: parser gave up in /src/tests/known.php:3',
      '002+ Stack trace:',
      '003+ #0 {main}',
      '001- done',
      '========DONE========',
      'XFAIL Known bug in the parser [tests/known.phpt]   XFAIL REASON: see bug 1',
      ...filler(60, 'TEST passed'),
      '========DIFF========',
      '005+ Error: stat1 do not match with stat2 at key value: atime',
      '005- bool(true)',
      '========DONE========',
      'FAIL stat variations [tests/stat.phpt]',
      'The command "make test" exited with 1.',
    ].join('\n');
    const excerpt = texts(await excerptLog(log, { maxLines: 4 }));
    expect(excerpt).toEqual(
      expect.arrayContaining(['005+ Error: stat1 do not match with stat2 at key value: atime', 'FAIL stat variations [tests/stat.phpt]']),
    );
    expect(excerpt.join('\n')).not.toContain('parser gave up');
  });

  test("pytest's summary: an XFAIL line takes back nothing of the real failure above it", async () => {
    const log = [
      '$ pytest -rx',
      ...filler(40, 'collected'),
      '=================================== FAILURES ===================================',
      '__________________________________ test_total __________________________________',
      '    def test_total():',
      '>       assert total([1, 2]) == 4',
      'E       assert 3 == 4',
      'tests/test_cart.py:7: AssertionError',
      '=========================== short test summary info ============================',
      'XFAIL tests/test_cart.py::test_refund - refunds are not done',
      'FAILED tests/test_cart.py::test_total - assert 3 == 4',
      'ERROR: Job failed: exit code 1',
    ].join('\n');
    const excerpt = texts(await excerptLog(log, { maxLines: 6 }));
    expect(excerpt).toEqual(expect.arrayContaining(['E       assert 3 == 4', 'tests/test_cart.py:7: AssertionError']));
  });
});

test('pytest -v: an XFAIL verdict takes back nothing of the FAILED verdict line before it', async () => {
  const log = [
    '$ pytest -v',
    '============================= test session starts ==============================',
    'tests/test_cart.py::test_total FAILED                                    [ 33%]',
    'tests/test_cart.py::test_refund XFAIL                                    [ 66%]',
    ...filler(80, 'unrelated output'),
    'ERROR: Job failed: exit code 1',
  ].join('\n');
  const excerpt = texts(await excerptLog(log, { maxLines: 3 }));
  expect(excerpt).toEqual(expect.arrayContaining([expect.stringContaining('tests/test_cart.py::test_total FAILED')]));
});

describe("the runner's description of its machine", () => {
  const travisLog = [
    'travis_fold:start:system_info\r\x1b[0K\x1b[33;1mBuild system information\x1b[0m',
    'Allow some information gathering to give useful error messages',
    '\tthe USA under License Exception TSU of the U.S. Export',
    ...filler(30, 'installed package'),
    'travis_fold:end:system_info\r\x1b[0K',
    '$ npm test',
    ...filler(40, 'test passed'),
    'info "fsevents@1.2.7" is an optional dependency and failed compatibility check. Excluding it from installation.',
    ...filler(70, 'test passed'),
    "Error: Cannot find module 'left-pad'",
    'The command "npm test" exited with 1.',
  ].join('\n');

  test('words like "error" in Travis\' system_info, or a skipped optional package, are no evidence', async () => {
    const excerpt = texts(await excerptLog(travisLog)).join('\n');
    expect(excerpt).toContain("Error: Cannot find module 'left-pad'");
    expect(excerpt).not.toMatch(/useful error messages|License Exception|fsevents/);
  });
});

describe("GitLab's after_script", () => {
  // after_script runs after the script failed: its commands are not the step that failed.
  const log = [
    'section_start:1700000000:step_script\r\x1b[0KExecuting "step_script" stage of the job script',
    '$ npm ci',
    ...filler(60, 'package added'),
    'npm WARN deprecated request@2.88.2: request has been deprecated',
    ...filler(60, 'package added'),
    '$ npm test',
    ...filler(60, 'test passed'),
    'FAIL src/cart.test.js',
    '  ● cart › sums prices',
    '    expect(received).toBe(expected) // Object.is equality',
    '    Expected: 4',
    '    Received: 3',
    ...filler(30, 'test passed'),
    'section_end:1700000001:step_script\r\x1b[0K',
    'section_start:1700000001:after_script\r\x1b[0KRunning after_script',
    'Running after script...',
    '$ ./ci/collect-logs.sh',
    ...filler(25, 'copied log file'),
    'warning: could not copy core dumps: no such file or directory',
    'section_end:1700000002:after_script\r\x1b[0K',
    'section_start:1700000002:cleanup_file_variables\r\x1b[0KCleaning up project directory and file based variables',
    'section_end:1700000003:cleanup_file_variables\r\x1b[0K',
    'ERROR: Job failed: exit code 1',
  ].join('\n');

  test('the failed step is the last step of the script, not the after_script command', async () => {
    const excerpt = texts(await excerptLog(log, { maxLines: 6 }));
    expect(excerpt).toEqual(expect.arrayContaining(['    Expected: 4', '    Received: 3']));
    expect(excerpt.join('\n')).not.toContain('copied log file');
  });
});

test("Jenkins: a declarative pipeline's post actions are not the step that failed", async () => {
  const log = [
    '[Pipeline] stage',
    '[Pipeline] { (Test)',
    '[Pipeline] sh',
    '+ mvn -B test',
    ...filler(60, '[INFO] compiled'),
    '[ERROR] Tests run: 12, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.5 s <<< FAILURE! - in com.acme.CartTest',
    '[ERROR] sumsPrices(com.acme.CartTest)  Time elapsed: 0.01 s  <<< FAILURE!',
    'java.lang.AssertionError: expected:<4> but was:<3>',
    ...filler(30, '[INFO] reported'),
    '[Pipeline] }',
    '[Pipeline] // stage',
    '[Pipeline] stage',
    '[Pipeline] { (Declarative: Post Actions)',
    '[Pipeline] sh',
    '+ ./ci/collect-logs.sh',
    ...filler(25, 'copied log file'),
    'warning: could not copy core dumps: no such file or directory',
    '[Pipeline] }',
    '[Pipeline] // stage',
    '[Pipeline] End of Pipeline',
    'ERROR: script returned exit code 1',
    'Finished: FAILURE',
  ].join('\n');
  const excerpt = texts(await excerptLog(log, { maxLines: 6 }));
  expect(excerpt).toEqual(expect.arrayContaining(['java.lang.AssertionError: expected:<4> but was:<3>']));
  expect(excerpt.join('\n')).not.toContain('copied log file');
});
