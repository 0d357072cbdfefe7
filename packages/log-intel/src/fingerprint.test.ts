import { fingerprint } from './fingerprint';

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

describe('fingerprint', () => {
  it('is the same for the same failure in another pipeline (times, ids, paths, numbers differ)', () => {
    expect(fingerprint({ jobName: 'test 1/3', category: 'build', lines: RUN_A })).toBe(fingerprint({ jobName: 'test 2/3', category: 'build', lines: RUN_B }));
  });

  it('accepts excerpt lines as well as strings', () => {
    expect(fingerprint({ lines: RUN_A.map((text, i) => ({ line: i + 1, text })) })).toBe(fingerprint({ lines: RUN_A }));
  });

  it('differs for a different error', () => {
    const other = RUN_A.map((l) => l.replace("'Pool'", "'Client'"));
    expect(fingerprint({ lines: other })).not.toBe(fingerprint({ lines: RUN_A }));
  });

  it('differs for a different job or category', () => {
    expect(fingerprint({ jobName: 'lint', lines: RUN_A })).not.toBe(fingerprint({ jobName: 'test', lines: RUN_A }));
    expect(fingerprint({ category: 'test', lines: RUN_A })).not.toBe(fingerprint({ category: 'build', lines: RUN_A }));
  });
});
