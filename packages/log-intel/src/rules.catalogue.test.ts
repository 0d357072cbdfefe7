import { classify } from './classify';

/**
 * The knowledge base on the shapes real tools print (Maven, Gradle, Checkstyle, Javadoc, license
 * plugins, pytest, unittest, npm, kubectl, docker): the right rule wins, and its cause and
 * commands carry what the log said.
 */
const MAVEN_TAIL = [
  '[INFO] ------------------------------------------------------------------------',
  '[INFO] BUILD FAILURE',
  '[INFO] ------------------------------------------------------------------------',
];

describe('knowledge base on real tool output', () => {
  it.each([
    {
      name: 'Surefire: the failing test wins over BUILD FAILURE and fills the mvn command',
      lines: [
        'Running com.acme.cart.CartTest',
        'Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 sec <<< FAILURE! - in com.acme.cart.CartTest',
        'addsTax(com.acme.cart.CartTest)  Time elapsed: 0.01 sec  <<< FAILURE!',
        'java.lang.AssertionError: expected:<107> but was:<100>',
        '\tat org.junit.Assert.fail(Assert.java:88)',
        'Results :',
        'Failed tests:   addsTax(com.acme.cart.CartTest): expected:<107> but was:<100>',
        'Tests run: 12, Failures: 1, Errors: 0, Skipped: 0',
        ...MAVEN_TAIL,
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.12.4:test (default-test) on project cart: There are test failures.',
      ],
      rule: 'maven-surefire-test-failure',
      category: 'test',
      cause: 'Test com.acme.cart.CartTest.addsTax failed: expected:<107> but was:<100>',
      command: "mvn -Dtest='CartTest#addsTax' test",
    },
    {
      name: 'Checkstyle through Maven is lint, naming the check, file and line',
      lines: [
        '[INFO] --- maven-checkstyle-plugin:2.17:check (default-cli) @ app ---',
        '[INFO] There is 1 error reported by Checkstyle 6.11.2 with checkstyle.xml ruleset.',
        '[ERROR] src/main/java/com/acme/App.java:[20,8] (imports) UnusedImports: Unused import - java.util.List.',
        ...MAVEN_TAIL,
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-checkstyle-plugin:2.17:check (default-cli) on project app: You have 1 Checkstyle violation. -> [Help 1]',
      ],
      rule: 'checkstyle-violations',
      category: 'lint',
      cause: 'Checkstyle rule UnusedImports failed at src/main/java/com/acme/App.java:20: Unused import - java.util.List.',
      command: 'mvn checkstyle:check',
    },
    {
      name: 'Javadoc errors are lint, not a compilation failure',
      lines: [
        ...MAVEN_TAIL,
        '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-javadoc-plugin:2.10.4:jar (attach-javadocs) on project app: MavenReportException: Error while creating archive:',
        '[ERROR] Exit code: 1 - /builds/acme/app/src/main/java/com/acme/App.java:15: error: self-closing element not allowed',
      ],
      rule: 'javadoc-errors',
      category: 'lint',
      cause: 'Javadoc rejected /builds/acme/app/src/main/java/com/acme/App.java:15: self-closing element not allowed',
    },
    {
      name: 'A license header check is lint',
      lines: [
        '[WARNING] Missing header in: /builds/acme/app/src/main/java/com/acme/Computer.java',
        ...MAVEN_TAIL,
        '[ERROR] Failed to execute goal com.mycila:license-maven-plugin:2.3:check (check-license) on project app: Some files do not have the expected license header -> [Help 1]',
      ],
      rule: 'license-header-check',
      category: 'lint',
      cause: 'License header missing in /builds/acme/app/src/main/java/com/acme/Computer.java',
    },
    {
      name: 'javac through Gradle is a build failure naming file, line and message',
      lines: [
        ':compileJava/builds/acme/app/src/main/java/com/acme/Order.java:62: error: cannot find symbol',
        '        return total.add(taxes);',
        '  symbol:   variable taxes',
        '1 error',
        ':compileJava FAILED',
        'FAILURE: Build failed with an exception.',
        '* What went wrong:',
        "Execution failed for task ':compileJava'.",
        '> Compilation failed; see the compiler error output for details.',
      ],
      rule: 'java-compile-error',
      category: 'build',
      cause: 'The compiler rejected /builds/acme/app/src/main/java/com/acme/Order.java:62: cannot find symbol (variable taxes)',
    },
    {
      name: 'Gradle test task: the failing test wins over the generic task failure',
      lines: [
        'com.acme.OrderTest > computesTotal FAILED',
        '    java.lang.AssertionError at OrderTest.java:42',
        '12 tests completed, 1 failed',
        ':test FAILED',
        'FAILURE: Build failed with an exception.',
        "Execution failed for task ':test'.",
        '> There were failing tests. See the report at: file:///builds/acme/app/build/reports/tests/test/index.html',
      ],
      rule: 'gradle-test-failure',
      category: 'test',
      cause: 'Test com.acme.OrderTest > computesTotal failed: java.lang.AssertionError at OrderTest.java:42',
      command: "./gradlew :test --tests 'com.acme.OrderTest.computesTotal'",
    },
    {
      name: 'pytest names the test and its assertion, and the command runs that test',
      lines: [
        '=================================== FAILURES ===================================',
        '___________________________ test_invoice_total ___________________________',
        '>       assert invoice.total() == 16',
        'E       assert 15 == 16',
        'tests/test_invoice.py:12: AssertionError',
        '=========================== short test summary info ============================',
        'FAILED tests/test_invoice.py::test_invoice_total - assert 15 == 16',
        '1 failed, 25 passed in 2.31s',
      ],
      rule: 'pytest-failure',
      category: 'test',
      cause: 'tests/test_invoice.py::test_invoice_total failed at tests/test_invoice.py:12: assert 15 == 16',
      command: "pytest 'tests/test_invoice.py::test_invoice_total' -vv",
    },
    {
      name: 'unittest errors are test failures, not compiler errors',
      lines: [
        '======================================================================',
        'ERROR: test_subsample (tests.test_stats.StatsTest)',
        '----------------------------------------------------------------------',
        'Traceback (most recent call last):',
        '  File "tests/test_stats.py", line 40, in test_subsample',
        "KeyError: 'cpu'",
        '----------------------------------------------------------------------',
        'Ran 31 tests in 0.412s',
        'FAILED (errors=1)',
      ],
      rule: 'python-unittest-failure',
      category: 'test',
      cause: "Test test_subsample (tests.test_stats.StatsTest) failed: KeyError: 'cpu'",
      command: 'python -m unittest -v tests.test_stats.StatsTest.test_subsample',
    },
    {
      name: 'pyflakes output is lint',
      lines: ['$ pyflakes app setup.py', "app/utils.py:16: 'html' imported but unused", "app/utils.py:222: undefined name 'Builder'"],
      rule: 'python-lint',
      category: 'lint',
      cause: "app/utils.py:16: 'html' imported but unused",
    },
    {
      name: 'a Python syntax error names the frame nearest to it, not the first of the traceback',
      lines: [
        'Traceback (most recent call last):',
        '  File "<string>", line 1, in <module>',
        '  File "/builds/acme/app/app/__init__.py", line 27, in <module>',
        '  File "/builds/acme/app/app/selector.py", line 237',
        "    template = f'{stem}.{name}'",
        '                              ^',
        'SyntaxError: invalid syntax',
      ],
      rule: 'python-syntax-error',
      category: 'build',
      cause: 'Python could not parse /builds/acme/app/app/selector.py:237: SyntaxError: invalid syntax',
    },
    {
      name: 'kubectl that cannot reach the API server is a deployment failure naming the address',
      lines: [
        '$ kubectl apply -f k8s/',
        'error: error validating "k8s/deployment.yaml": error validating data: failed to download openapi: Get "https://10.0.0.1:6443/openapi/v2?timeout=32s": dial tcp 10.0.0.1:6443: i/o timeout',
        'ERROR: Job failed: exit code 1',
      ],
      rule: 'kubernetes-api-unreachable',
      category: 'deployment',
      cause: 'kubectl could not reach the Kubernetes API server at 10.0.0.1:6443 (i/o timeout) while applying k8s/deployment.yaml',
      command: 'nc -zv 10.0.0.1 6443',
    },
    {
      name: 'a registry that refuses connections is a network failure naming the registry',
      lines: [
        '$ docker pull registry.acme.test/app:1.4',
        'Error response from daemon: Get "https://registry.acme.test/v2/": dial tcp 10.1.2.3:443: connect: connection refused',
      ],
      rule: 'docker-registry-unreachable',
      category: 'network',
      cause: 'Docker could not reach registry registry.acme.test at 10.1.2.3:443: connect: connection refused',
    },
    {
      name: 'npm E404 names the package and version',
      lines: [
        'npm ERR! code E404',
        'npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found',
        "npm ERR! 404  'left-padd@^1.3.0' is not in this registry.",
      ],
      rule: 'npm-package-not-found',
      category: 'dependency',
      cause: 'left-padd@^1.3.0 is not in the registry',
      command: 'npm view left-padd versions',
    },
    {
      name: 'npm E401 is a credentials problem',
      lines: ['npm ERR! code E401', 'npm ERR! 401 Unauthorized - GET https://npm.acme.test/@acme%2fui - authentication token not provided'],
      rule: 'npm-registry-auth',
      category: 'configuration',
      cause: 'The registry answered 401 for https://npm.acme.test/@acme%2fui',
    },
    {
      name: "the runner's timeout line is timeout evidence, never a compiler error",
      lines: ['$ npx playwright test', 'Running 48 tests using 2 workers', 'ERROR: Job failed: execution took longer than 1h0m0s seconds'],
      rule: 'job-timeout',
      category: 'timeout',
      cause: 'The job was stopped after running longer than its 1h0m0s limit',
    },
  ])('$name', ({ lines, rule, category, cause, command }) => {
    const matches = classify(lines);
    const [top] = matches;
    expect(top?.ruleId).toBe(rule);
    expect(top?.category).toBe(category);
    expect(top?.cause).toBe(cause);
    if (command !== undefined) expect(top?.solutions.flatMap((s) => s.commands ?? [])).toContain(command);
    // A command is shown filled, or not at all.
    expect(matches.flatMap((m) => m.solutions.flatMap((s) => s.commands ?? [])).filter((c) => /<[A-Za-z_]\w*>/.test(c))).toEqual([]);
  });

  it("never takes the runner's own lines as evidence", () => {
    expect(
      classify([
        '$ ./build.sh',
        'ERROR: Job failed: exit code 1',
        'Cleaning up project directory and file based variables',
        'The command "./build.sh" failed. Retrying, 2 of 3.',
        'The command "./build.sh" failed 3 times.',
        'The command "./build.sh" failed and exited with 1 during .',
        'Your build has been stopped.',
        'Done. Your build exited with 1.',
      ]),
    ).toEqual([]);
  });
});
