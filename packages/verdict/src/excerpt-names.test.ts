import { extractExcerptNames } from './excerpt-names';

describe('extractExcerptNames', () => {
  it('reads files with line numbers from compilers, stack frames and Python tracebacks', () => {
    const names = extractExcerptNames([
      "/builds/acme/app/src/db/pool.ts:17:5 - error TS2304: Cannot find name 'Client'.",
      'src/db/index.ts(3,10): error TS2305: Module has no exported member',
      '[ERROR] /home/travis/build/acme/app/src/main/java/com/acme/db/Pool.java:[42,13] cannot find symbol',
      '  File "/builds/acme/app/acme/db.py", line 12, in connect',
      '  File "/usr/lib/python3.11/site-packages/sqlalchemy/engine/base.py", line 3280, in connect',
    ]);
    expect(names.files).toEqual([
      '/builds/acme/app/src/db/pool.ts',
      'src/db/index.ts',
      '/home/travis/build/acme/app/src/main/java/com/acme/db/Pool.java',
      '/builds/acme/app/acme/db.py',
    ]);
  });

  it('reads Java classes without the JDK and test frameworks, and Python and JavaScript modules', () => {
    const names = extractExcerptNames([
      'java.lang.IllegalStateException: pool closed',
      '\tat com.acme.db.Pool.release(Pool.java:88)',
      '\tat org.junit.runners.ParentRunner.run(ParentRunner.java:413)',
      "ModuleNotFoundError: No module named 'acme.cache'",
      "Error: Cannot find module './utils/retry'",
    ]);
    expect(names.modules).toEqual(['com.acme.db.Pool', 'acme.cache', 'utils/retry']);
    expect(names.files).toEqual(['Pool.java', 'ParentRunner.java']);
  });

  it('reads test ids of pytest, JUnit, Maven summaries and Go', () => {
    const names = extractExcerptNames([
      'FAILED tests/test_pool.py::test_release - AssertionError: assert 1 == 0',
      'testRelease(com.acme.db.PoolTest)  Time elapsed: 0.02 sec  <<< FAILURE!',
      '  PoolTest.testAcquire:51 expected:<0> but was:<1>',
      '--- FAIL: TestRetry (0.01s)',
    ]);
    expect(names.tests).toEqual([
      'tests/test_pool.py::test_release',
      'com.acme.db.PoolTest.testRelease',
      'PoolTest.testAcquire',
      'TestRetry',
    ]);
  });

  it('reads the files test runners name', () => {
    expect(extractExcerptNames(['FAIL src/db/pool.test.ts', 'rspec ./spec/models/user_spec.rb:12 # User validates email']).files).toEqual([
      'src/db/pool.test.ts',
      'spec/models/user_spec.rb',
    ]);
  });
});
