import { identityLine } from './identity-line';

describe('identityLine', () => {
  it.each([
    [
      'workspace and build directories',
      '/builds/acme/app-4711/src/db.ts:17:5 - error TS2304',
      '/home/travis/build/acme/app/src/db.ts:18:9 - error TS2304',
    ],
    [
      'Python frames of another interpreter',
      '  File "/usr/lib/python3.6/site-packages/foo/bar.py", line 12, in baz',
      '  File "/opt/python/3.7.1/lib/python3.7/site-packages/foo/bar.py", line 14, in baz',
    ],
    [
      'npm debug logs named by time',
      'npm ERR!     /root/.npm/_logs/2019-06-03T12_00_00_123Z-debug.log',
      'npm ERR!     /root/.npm/_logs/2020-01-09T08_41_07_999Z-debug.log',
    ],
    [
      'ports, pids and seeds',
      'could not connect to 127.0.0.1:34567 (pid 8812) seed=49281',
      'could not connect to 127.0.0.1:40111 (pid 77) seed=3',
    ],
    ['temporary directories', 'error: cannot open /tmp/tmpk3j4h5g6/out.txt', 'error: cannot open /tmp/tmpz81qw0aa/out.txt'],
    [
      'JUnit temporary folders',
      'C:\\Users\\ci\\AppData\\Local\\Temp\\junit3958372914\\data.bin not found',
      'C:\\Users\\ci\\AppData\\Local\\Temp\\junit1029384756\\data.bin not found',
    ],
    [
      'pytest-xdist workers',
      '[gw3] FAILED tests/test_x.py::test_y - AssertionError: assert 3 == 4',
      '[gw0] FAILED tests/test_x.py::test_y - AssertionError: assert 5 == 4',
    ],
    ["Java's identity hashes, hex or all digits", 'expected Foo@1b2c3d4 but was Bar@77aa', 'expected Foo@1234567 but was Bar@9c0e1f'],
    [
      'durations, timestamps and commit hashes',
      '2024-05-01T10:00:00Z Build 1a2b3c4d failed after 12.5s',
      '2024-06-09T22:13:51Z Build 9f8e7d6 failed after 3s',
    ],
  ])('forgets %s', (_what, a, b) => {
    expect(identityLine(a)).toBe(identityLine(b));
  });

  it.each([
    [
      'the failing test file',
      'FAIL Bug #60120 [ext/standard/tests/file/bug60120.phpt]',
      'FAIL Bug #72294 [ext/pdo_pgsql/tests/bug72294.phpt]',
    ],
    [
      'the compiler error code',
      "src/db.ts(17,5): error TS2304: Cannot find name 'Pool'.",
      "src/db.ts(17,5): error TS2307: Cannot find name 'Pool'.",
    ],
    ['the test case of a family', 'FAILED tests/test_api.py::test_case_2', 'FAILED tests/test_api.py::test_case_3'],
    [
      'the file',
      '[ERROR] /home/travis/build/o/r/src/main/java/com/x/Foo.java:[12,5] cannot find symbol',
      '[ERROR] /home/travis/build/o/r/src/main/java/com/x/Bar.java:[12,5] cannot find symbol',
    ],
    ['the host of a URL', 'curl: (6) Could not resolve host: registry.npmjs.org', 'curl: (6) Could not resolve host: pypi.org'],
  ])('keeps %s', (_what, a, b) => {
    expect(identityLine(a)).not.toBe(identityLine(b));
  });

  it('shows a path as its file, a URL as its host and last part, a random word as <rand>', () => {
    expect(identityLine('[ERROR] /home/travis/build/o/r/src/main/java/com/x/Foo.java:[12,5] cannot find symbol')).toBe(
      '[ERROR] Foo.java:[0,0] cannot find symbol',
    );
    expect(identityLine('npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-pad-x - Not found')).toBe(
      'npm ERR! 0 Not Found - GET https://registry.npmjs.org …left-pad-x - Not found',
    );
    expect(identityLine('worker a8x3k2q1 x86_64 v1.2.3')).toBe('worker <rand> x86_64 v1.0.0');
  });
});
