import { fingerprint, identifyFailure } from './fingerprint';

const RUN_A = [
  '2024-05-01T10:00:00.123Z Running tests in /builds/acme/app-4711/src',
  "/builds/acme/app/src/db.ts:17:5 - error TS2304: Cannot find name 'Pool'.",
  'Found 1 error in 3.2s (pid 8812, job 99123, commit 1a2b3c4d5e6f)',
];
const RUN_B = [
  '2024-06-09T22:13:51.999Z Running tests in /builds/acme/app-9/src',
  "/tmp/build-77/acme/app/src/db.ts:18:5 - error TS2304: Cannot find name 'Pool'.",
  'Found 1 error in 4.9s (pid 101, job 123456, commit 9f8e7d6c5b4a)',
];

/** A Maven run whose failing test is named only on the detail line under `Failed tests:`. */
const mavenRun = (test: string) =>
  [
    'Results :',
    'Failed tests: ',
    `  ${test}:51 `,
    'Tests run: 67, Failures: 1, Errors: 0, Skipped: 0',
    '[INFO] BUILD FAILURE',
    '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.19.1:test (default-test) on project sonar-php-plugin: There are test failures.',
    '[ERROR] ',
    '[ERROR] Please refer to /home/travis/build/o/r/target/surefire-reports for the individual test results.',
    '[ERROR] -> [Help 1]',
    '[ERROR] ',
    '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
    '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
    '[ERROR] ',
    '[ERROR] For more information about the errors and possible solutions, please read the following articles:',
    '[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException',
    '[ERROR] After correcting the problems, you can resume the build with the command',
    'The command "mvn test -B" exited with 1.',
    'Done. Your build exited with 1.',
  ].map((text, i) => ({ line: 900 + i, text }));

/** A lint step whose findings have no failure words: only the exit line after them says it failed. */
const pyflakesRun = (findings: string[]) =>
  [
    '$ pyflakes verktyg setup.py',
    ...findings,
    'The command "pyflakes verktyg setup.py" exited with 1.',
    '',
    'Done. Your build exited with 1.',
  ].map((text, i) => ({ line: 300 + i, text }));

const identify = (
  lines: (string | { line: number; text: string })[],
  more: { project?: number; jobName?: string; failureReason?: string } = {},
) =>
  identifyFailure({
    lines,
    project: more.project ?? 7,
    jobName: more.jobName ?? 'test',
    failureReason: more.failureReason ?? 'script_failure',
  });

describe('identifyFailure', () => {
  it('gives a re-run of a failure its fingerprint (times, ids, paths, line numbers and output order differ)', () => {
    expect(identify(RUN_A).fingerprint).toBe(identify([...RUN_B].reverse()).fingerprint);
  });

  it('gives parallel copies of a job one fingerprint (`test 1/3`, `test: [node 20]`)', () => {
    expect(identify(RUN_A, { jobName: 'test 1/3' }).fingerprint).toBe(identify(RUN_B, { jobName: 'test 3/3' }).fingerprint);
    expect(identify(RUN_A, { jobName: 'test: [node 18]' }).fingerprint).toBe(identify(RUN_B, { jobName: 'test: [node 20]' }).fingerprint);
  });

  it('tells apart the same error text in two projects, whose signature is the same', () => {
    const mine = identify(RUN_A, { project: 7 });
    const theirs = identify(RUN_A, { project: 8 });
    expect(mine.fingerprint).not.toBe(theirs.fingerprint);
    expect(mine.signature).toBe(theirs.signature);
  });

  it('tells apart another job and another failure reason', () => {
    expect(identify(RUN_A, { jobName: 'lint' }).fingerprint).not.toBe(identify(RUN_A, { jobName: 'test' }).fingerprint);
    expect(identify(RUN_A, { failureReason: 'runner_system_failure' }).fingerprint).not.toBe(identify(RUN_A).fingerprint);
  });

  it('tells apart two failing tests named only under `Failed tests:`, however much boilerplate follows', () => {
    const profile = identify(mavenRun('PHPProfileTest.should_create_sonar_way_profile'));
    const sensor = identify(mavenRun('PHPSensorTest.should_disable_unnecessary_features_for_sonarlint'));
    expect(profile.fingerprint).not.toBe(sensor.fingerprint);
    expect(profile.lines).toContain('PHPProfileTest.should_create_sonar_way_profile:0');
  });

  it('tells apart two lint runs by the findings printed before the exit line', () => {
    const unused = identify(pyflakesRun(["verktyg/test.py:26: '_get_environ' imported but unused"]));
    const undefinedName = identify(pyflakesRun(["verktyg/utils.py:222: undefined name 'HTMLBuilder'"]));
    expect(unused.fingerprint).not.toBe(undefinedName.fingerprint);
    expect(unused.lines).toContain("test.py:0: '_get_environ' imported but unused");
  });

  it('says what it was made of: failure lines, the log tail, or nothing', () => {
    expect(identify(RUN_A).basis).toBe('failure-lines');
    expect(identify(['Cloning into /builds/acme/app...', 'Job succeeded?']).basis).toBe('log-tail');
    expect(identify([]).basis).toBe('none');
    expect(identify([]).lines).toEqual([]);
  });
});

describe('fingerprint (the analysis cache key)', () => {
  it('is the same for the same failure in another pipeline (times, ids, paths, numbers differ)', () => {
    expect(fingerprint({ jobName: 'test 1/3', category: 'build', lines: RUN_A })).toBe(
      fingerprint({ jobName: 'test 2/3', category: 'build', lines: RUN_B }),
    );
  });

  it('accepts excerpt lines as well as strings', () => {
    expect(fingerprint({ lines: RUN_A.map((text, i) => ({ line: i + 1, text })) })).toBe(fingerprint({ lines: RUN_A }));
  });

  it('differs for a different error', () => {
    const other = RUN_A.map((l) => l.replace("'Pool'", "'Client'"));
    expect(fingerprint({ lines: other })).not.toBe(fingerprint({ lines: RUN_A }));
  });

  it('differs for failing tests whose names differ only in digits', () => {
    const php = (n: string) => [`FAIL Bug #${n} (proc_open hangs) [ext/standard/tests/file/bug${n}.phpt]`];
    expect(fingerprint({ lines: php('60120') })).not.toBe(fingerprint({ lines: php('72294') }));
  });

  it('differs for failing tests named only under `Failed tests:` and for lint findings without failure words', () => {
    expect(fingerprint({ lines: mavenRun('PHPProfileTest.should_create_sonar_way_profile') })).not.toBe(
      fingerprint({ lines: mavenRun('PHPSensorTest.should_disable') }),
    );
    expect(fingerprint({ lines: pyflakesRun(["a/test.py:26: 'x' imported but unused"]) })).not.toBe(
      fingerprint({ lines: pyflakesRun(["a/utils.py:222: undefined name 'y'"]) }),
    );
  });

  it('differs for a different job or category', () => {
    expect(fingerprint({ jobName: 'lint', lines: RUN_A })).not.toBe(fingerprint({ jobName: 'test', lines: RUN_A }));
    expect(fingerprint({ category: 'test', lines: RUN_A })).not.toBe(fingerprint({ category: 'build', lines: RUN_A }));
  });
});
