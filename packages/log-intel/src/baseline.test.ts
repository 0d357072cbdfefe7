import { excerptLog } from './excerpt';
import { comparisonKey } from './volatile';

const texts = (e: { lines: { text: string }[] }) => e.lines.map((l) => l.text);

/** A Maven job: a build prelude of `filler` lines, then the test report lines given. */
function mavenLog(report: string[], filler = 200): string {
  const prelude = Array.from({ length: filler }, (_, i) => `[INFO] Compiling module-${i} (${i % 7} sources)`);
  return ['$ mvn -B verify', ...prelude, ...report].join('\n');
}

const PASSING_REPORT = [
  '[WARNING] Could not connect to the metrics server at 10.0.0.7:8125, retrying in 3 s',
  'Tests run: 41, Failures: 0, Errors: 0, Skipped: 1',
  '[INFO] BUILD SUCCESS',
];

const FAILING_REPORT = [
  '[WARNING] Could not connect to the metrics server at 10.0.0.9:8125, retrying in 5 s',
  '[ERROR] Tests run: 41, Failures: 1, Errors: 0, Skipped: 1, Time elapsed: 2.1 s <<< FAILURE! - in com.acme.CartTest',
  '[ERROR] total(com.acme.CartTest)  Time elapsed: 0.02 s  <<< FAILURE!',
  'java.lang.AssertionError: expected:<4> but was:<3>',
  'Tests run: 41, Failures: 1, Errors: 0, Skipped: 1',
  '[INFO] BUILD FAILURE',
  '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project cart: There are test failures.',
];

describe('excerptLog with the passing run as baseline', () => {
  it('never drops what it keeps without a baseline when the budget has room', async () => {
    const failing = mavenLog(FAILING_REPORT);
    const without = texts(await excerptLog(failing));
    const withBaseline = texts(await excerptLog(failing, { baseline: mavenLog(PASSING_REPORT) }));
    expect(without).toContain(FAILING_REPORT[0]);
    expect(withBaseline).toEqual(expect.arrayContaining(without));
  });

  it('takes the lines the passing run did not print first when the budget is tight, a count of failures among them', async () => {
    const failing = mavenLog(FAILING_REPORT);
    const excerpt = texts(await excerptLog(failing, { baseline: mavenLog(PASSING_REPORT), maxLines: FAILING_REPORT.length - 1 }));
    expect(excerpt).not.toContain(FAILING_REPORT[0]);
    for (const line of FAILING_REPORT.slice(1)) expect(excerpt).toContain(line);
  });

  it('tells a count of failures from the passing run’s count of zero', () => {
    expect(comparisonKey('Tests run: 41, Failures: 1, Errors: 0')).not.toBe(comparisonKey('Tests run: 41, Failures: 0, Errors: 0'));
    expect(comparisonKey('Tests run: 41, Failures: 1, Errors: 0')).toBe(comparisonKey('Tests run: 57, Failures: 3, Errors: 0'));
    expect(comparisonKey('connect to 10.0.0.9:8125 failed after 1.5 s at 2024-05-01T10:00:00Z in /tmp/junit8812/a.txt')).toBe(
      comparisonKey('connect to 10.0.0.7:9000 failed after 3 s at 2024-06-11T23:59:01Z in /tmp/junit17/a.txt'),
    );
  });
});
