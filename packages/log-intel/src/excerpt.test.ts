import { Readable } from 'node:stream';
import { excerptLog } from './excerpt';

/** A job log: runner preamble, `filler` lines of ordinary output, then the failure, then cleanup. */
function jobLog(failure: string[], filler = 300): string {
  const head = [
    '\x1b[0KRunning with gitlab-runner 17.5.0 (abc123)',
    'section_start:1700000000:prepare_executor\r\x1b[0K\x1b[0K\x1b[36;1mPreparing the "docker" executor\x1b[0;m',
    'Using Docker executor with image node:20 ...',
    'section_end:1700000001:prepare_executor\r\x1b[0K',
    'section_start:1700000002:step_script\r\x1b[0K\x1b[0K\x1b[36;1mExecuting "step_script" stage of the job script\x1b[0;m',
    '$ make ci',
  ];
  const body = Array.from({ length: filler }, (_, i) => `  compiling module_${i}.o ok (${i} ms)`);
  const tail = [
    'section_end:1700000100:step_script\r\x1b[0K',
    'section_start:1700000101:cleanup_file_variables\r\x1b[0K\x1b[0K\x1b[36;1mCleaning up project directory and file based variables\x1b[0;m',
    'section_end:1700000102:cleanup_file_variables\r\x1b[0K',
    '\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m',
  ];
  return [...head, ...body, ...failure, ...tail].join('\n');
}

const texts = (e: { lines: { text: string }[] }) => e.lines.map((l) => l.text);

const FAMILIES: [string, string[], string[]][] = [
  [
    'gcc compile error',
    [
      'src/parser.c: In function ‘parse_expr’:',
      'src/parser.c:42:17: error: ‘tok’ undeclared (first use in this function)',
      '   42 |     return tok->next;',
      '      |            ^~~',
      'make: *** [Makefile:12: src/parser.o] Error 1',
    ],
    ['src/parser.c:42:17: error: ‘tok’ undeclared (first use in this function)', 'make: *** [Makefile:12: src/parser.o] Error 1'],
  ],
  [
    'TypeScript errors',
    [
      "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      "src/db.ts:7:3 - error TS2304: Cannot find name 'Pool'.",
    ],
    [
      "src/app.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.",
      "src/db.ts:7:3 - error TS2304: Cannot find name 'Pool'.",
    ],
  ],
  [
    'npm ERESOLVE',
    [
      'npm ERR! code ERESOLVE',
      'npm ERR! ERESOLVE unable to resolve dependency tree',
      'npm ERR! Found: react@18.2.0',
      'npm ERR! Could not resolve dependency:',
      'npm ERR! peer react@"^17.0.0" from react-foo@1.2.3',
    ],
    ['npm ERR! code ERESOLVE', 'npm ERR! peer react@"^17.0.0" from react-foo@1.2.3'],
  ],
  [
    'Maven BUILD FAILURE',
    [
      '[INFO] BUILD FAILURE',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project api: There are test failures.',
      '[ERROR] -> [Help 1]',
    ],
    [
      '[INFO] BUILD FAILURE',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project api: There are test failures.',
    ],
  ],
  [
    'Gradle task failure',
    [
      'FAILURE: Build failed with an exception.',
      '',
      '* What went wrong:',
      "Execution failed for task ':app:compileKotlin'.",
      '> Compilation error. See log for more details',
    ],
    ['FAILURE: Build failed with an exception.', "Execution failed for task ':app:compileKotlin'."],
  ],
  [
    'pytest failure with traceback',
    [
      '=================================== FAILURES ===================================',
      '_______________________________ test_total ________________________________',
      '    def test_total():',
      '>       assert total([1, 2]) == 4',
      'E       assert 3 == 4',
      'E        +  where 3 = total([1, 2])',
      'tests/test_cart.py:8: AssertionError',
      '=========================== short test summary info ============================',
      'FAILED tests/test_cart.py::test_total - assert 3 == 4',
      '========================= 1 failed, 41 passed in 2.31s =========================',
    ],
    ['E       assert 3 == 4', 'FAILED tests/test_cart.py::test_total - assert 3 == 4', '>       assert total([1, 2]) == 4'],
  ],
  [
    'jest failure',
    [
      ' FAIL  src/cart.test.ts',
      '  ● cart › adds items',
      '    expect(received).toBe(expected) // Object.is equality',
      '    Expected: 4',
      '    Received: 3',
      '      at Object.<anonymous> (src/cart.test.ts:9:27)',
      'Tests:       1 failed, 12 passed, 13 total',
    ],
    [' FAIL  src/cart.test.ts', '    Expected: 4', '    Received: 3', 'Tests:       1 failed, 12 passed, 13 total'],
  ],
  [
    'go test failure',
    ['--- FAIL: TestParse (0.00s)', '    parse_test.go:21: got "a", want "b"', 'FAIL', 'FAIL\tgithub.com/acme/tool/parse\t0.012s'],
    ['--- FAIL: TestParse (0.00s)', '    parse_test.go:21: got "a", want "b"'],
  ],
  [
    'cargo test panic',
    [
      'running 3 tests',
      "thread 'tests::adds' panicked at src/lib.rs:10:9:",
      'assertion `left == right` failed',
      '  left: 3',
      ' right: 4',
      'test result: FAILED. 2 passed; 1 failed; 0 ignored',
    ],
    ["thread 'tests::adds' panicked at src/lib.rs:10:9:", 'test result: FAILED. 2 passed; 1 failed; 0 ignored'],
  ],
  [
    'rspec failures',
    [
      'Failures:',
      '  1) Cart#total sums prices',
      '     Failure/Error: expect(cart.total).to eq(4)',
      '       expected: 4',
      '            got: 3',
      'Failed examples:',
      'rspec ./spec/cart_spec.rb:5 # Cart#total sums prices',
    ],
    ['     Failure/Error: expect(cart.total).to eq(4)', 'rspec ./spec/cart_spec.rb:5 # Cart#total sums prices'],
  ],
  [
    'phpunit failures',
    [
      'There was 1 failure:',
      '1) CartTest::testTotal',
      'Failed asserting that 3 matches expected 4.',
      '/app/tests/CartTest.php:12',
      'FAILURES!',
      'Tests: 20, Assertions: 31, Failures: 1.',
    ],
    ['Failed asserting that 3 matches expected 4.', 'FAILURES!'],
  ],
  [
    'Docker build error',
    [
      '#7 [3/5] RUN pip install -r requirements.txt',
      '#7 2.114 ERROR: No matching distribution found for torch==9.9',
      'ERROR: failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
    ],
    [
      '#7 2.114 ERROR: No matching distribution found for torch==9.9',
      'ERROR: failed to solve: process "/bin/sh -c pip install -r requirements.txt" did not complete successfully: exit code: 1',
    ],
  ],
  [
    'OOM kill',
    ['<--- Last few GCs --->', 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'Killed'],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
  ],
  [
    'Python traceback',
    [
      'Traceback (most recent call last):',
      '  File "/app/manage.py", line 22, in <module>',
      '    main()',
      '  File "/app/app/settings.py", line 3, in <module>',
      '    import yaml',
      "ModuleNotFoundError: No module named 'yaml'",
    ],
    [
      'Traceback (most recent call last):',
      "ModuleNotFoundError: No module named 'yaml'",
      '  File "/app/app/settings.py", line 3, in <module>',
    ],
  ],
  [
    'Java stack trace',
    [
      'Exception in thread "main" java.lang.IllegalStateException: config missing',
      '\tat com.acme.App.load(App.java:31)',
      '\tat com.acme.App.main(App.java:12)',
      'Caused by: java.io.FileNotFoundException: app.yml (No such file or directory)',
    ],
    [
      'Exception in thread "main" java.lang.IllegalStateException: config missing',
      '\tat com.acme.App.load(App.java:31)',
      'Caused by: java.io.FileNotFoundException: app.yml (No such file or directory)',
    ],
  ],
  [
    'eslint report',
    [
      '/builds/acme/web/src/a.ts',
      "  3:10  error  'x' is assigned a value but never used  @typescript-eslint/no-unused-vars",
      '✖ 1 problem (1 error, 0 warnings)',
    ],
    ["  3:10  error  'x' is assigned a value but never used  @typescript-eslint/no-unused-vars", '✖ 1 problem (1 error, 0 warnings)'],
  ],
  [
    'warnings turned into errors (-Werror)',
    [
      'src/Lib/Suggest.hs:8:1: error: [-Wunused-imports, -Werror=unused-imports]',
      '    The import of ‘maybeToList’ from module ‘Data.Maybe’ is redundant',
    ],
    [
      'src/Lib/Suggest.hs:8:1: error: [-Wunused-imports, -Werror=unused-imports]',
      '    The import of ‘maybeToList’ from module ‘Data.Maybe’ is redundant',
    ],
  ],
  [
    'timeout',
    ['Waiting for database...', 'ERROR: Job failed: execution took longer than 1h0m0s seconds'],
    ['ERROR: Job failed: execution took longer than 1h0m0s seconds'],
  ],
];

describe('excerptLog finds the failure of every tool family', () => {
  it.each(FAMILIES)('%s', async (_name, failure, expected) => {
    const excerpt = await excerptLog(jobLog(failure));
    for (const e of expected) expect(texts(excerpt)).toContain(e);
    expect(texts(excerpt)).toContain('ERROR: Job failed: exit code 1');
    // Ordinary output far from the failure is not worth the budget.
    expect(texts(excerpt)).not.toContain('  compiling module_10.o ok (10 ms)');
  });
});

describe('excerptLog', () => {
  it('keeps a whole list of path:line:col diagnostics longer than the context width, but not warnings', async () => {
    const warnings = Array.from({ length: 60 }, (_, i) => `ext/m${i}.c:${i + 10}:5: warning: unused variable ‘v${i}’ [-Wunused-variable]`);
    const report = Array.from({ length: 70 }, (_, i) => `  /builds/acme/web/lib/f${i}.js:${i + 1}:7: Strings must use singlequote.`);
    const excerpt = await excerptLog(
      jobLog([...warnings, '$ standard lib/*.js', 'standard: Use JavaScript Standard Style', ...report, 'npm ERR! Test failed.']),
    );
    const got = texts(excerpt);
    for (const line of report) expect(got).toContain(line);
    expect(got).not.toContain(warnings[0]);
  });

  it('keeps original line numbers and strips ANSI codes, \\r redraws and section markers', async () => {
    const log = jobLog(['Downloading 10%\rDownloading 100%\r\x1b[31merror:\x1b[0m could not open \x1b[1mconfig.yml\x1b[0m']);
    const excerpt = await excerptLog(log);
    const failing = excerpt.lines.find((l) => l.text.startsWith('error:'));
    expect(failing).toEqual({ line: 307, text: 'error: could not open config.yml' });
    expect(excerpt.sections).toContain('step_script');
    expect(excerpt.lines.every((l) => !l.text.includes('\x1b') && !l.text.includes('\r') && !/section_(?:start|end)/.test(l.text))).toBe(
      true,
    );
  });

  it('keeps text that a tool hid with \\r when it is not a progress redraw', async () => {
    const excerpt = await excerptLog(
      ['--- FAIL: TestProxy (0.1s)', '\t<autogenerated>:31: \r        \r\tError Trace:\tproxy_test.go:126'].join('\n'),
    );
    expect(texts(excerpt)).toContain('\t<autogenerated>:31:  \tError Trace:\tproxy_test.go:126');
  });

  it.each([
    [
      'GitHub Actions',
      [
        '##[group]Run ./deploy.sh',
        './deploy.sh',
        '##[endgroup]',
        'uploading bundle to s3://bucket',
        'bucket policy rejects the upload for this role',
        '##[error]Process completed with exit code 3.',
      ],
    ],
    [
      'Jenkins',
      [
        '[Pipeline] sh',
        '+ ./check-snapshots.sh',
        'comparing 120 snapshots',
        'bucket policy rejects the upload for this role',
        '[Pipeline] }',
        'ERROR: script returned exit code 1',
        'Finished: FAILURE',
      ],
    ],
  ])('keeps the last lines of a %s step that exited non-zero even without an error word', async (_ci, failing) => {
    const log = [...Array.from({ length: 200 }, (_, i) => `setup line ${i}`), ...failing].join('\n');
    const excerpt = await excerptLog(log);
    expect(texts(excerpt)).toContain('bucket policy rejects the upload for this role');
    expect(texts(excerpt)).not.toContain('setup line 10');
  });

  it('removes Travis fold and time markers but keeps the fold name as a section', async () => {
    const log = [
      'travis_fold:start:install\r\x1b[0K$ npm ci',
      'npm ERR! code E404',
      'npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope',
      'travis_time:end:0a1b2c:start=1,finish=2,duration=1\r\x1b[0K',
      'travis_fold:end:install\r\x1b[0K',
    ].join('\r\n');
    const excerpt = await excerptLog(log);
    expect(texts(excerpt)).toEqual(expect.arrayContaining(['$ npm ci', 'npm ERR! code E404']));
    expect(excerpt.sections).toEqual(['install']);
    expect(texts(excerpt).some((t) => t.includes('travis_'))).toBe(false);
  });

  it('fits the line and character budgets and says it cut', async () => {
    const failures = Array.from(
      { length: 400 },
      (_, i) => `src/f${i}.c:${i + 1}:3: error: unknown type name ‘t${i}’ in a rather long message that takes room`,
    );
    const excerpt = await excerptLog(jobLog(failures), { maxLines: 40, maxChars: 3000 });
    expect(excerpt.lines.length).toBeLessThanOrEqual(40);
    expect(excerpt.lines.reduce((n, l) => n + l.text.length, 0)).toBeLessThanOrEqual(3000);
    expect(excerpt.truncated).toBe(true);
  });

  it('reads a stream the same way as a string', async () => {
    const log = jobLog(['npm ERR! code ELIFECYCLE', 'npm ERR! errno 1']);
    const chunks = log.match(/[\s\S]{1,7}/g) ?? [];
    const fromStream = await excerptLog(Readable.from(chunks.map((c) => Buffer.from(c))));
    expect(fromStream).toEqual(await excerptLog(log));
  });

  it('masks secrets in the excerpt', async () => {
    const excerpt = await excerptLog(
      jobLog([
        'fatal: could not read from https://deploy:s3cr3tP4ss@gitlab.example.com/acme/app.git',
        'error: token glpat-abcdefghij0123456789 rejected',
      ]),
      {
        extraSecrets: ['hunter2-value'],
      },
    );
    const all = texts(excerpt).join('\n');
    expect(all).toContain('https://[MASKED:url_credentials]@gitlab.example.com/acme/app.git');
    expect(all).toContain('[MASKED:gitlab_token]');
    expect(all).not.toContain('s3cr3tP4ss');
  });

  it('ranks lines that also appear in the baseline (passing) log last', async () => {
    const known = ['WARNING: deprecated option --foo, failed to load optional plugin x (ignored)'];
    const fresh = ['error: cannot connect to database at db:5432'];
    const failing = jobLog([...known, ...Array.from({ length: 30 }, (_, i) => `step ${i}`), ...fresh]);
    const passing = jobLog(known).replace('ERROR: Job failed: exit code 1', 'Job succeeded');
    const withBaseline = await excerptLog(failing, { baseline: passing, maxLines: 3 });
    expect(texts(withBaseline)).toContain(fresh[0]);
    expect(texts(withBaseline)).not.toContain(known[0]);
  });

  it('falls back to the end of the log when nothing looks like a failure', async () => {
    const log = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const excerpt = await excerptLog(log, { maxLines: 10 });
    expect(excerpt.lines.at(-1)).toEqual({ line: 100, text: 'line 100' });
    expect(excerpt.totalLines).toBe(100);
  });
});
