import { createGitLabClient } from './gitlab.client';
import { createFakeGitLab, type TFakeGitLab } from './testing';

const MB = 1024 * 1024;
const GB = 1024 * MB;
const HEAD = 'Running with gitlab-runner 17.5.0\n$ make test\n';
const LINE = 'ok 1 - a passing check with some padding to make the line longer\n';

/** GitLab sends a trace whole (no ranges): a log too big or never ending is cut by our read budget. */
describe('reading a job log within a byte and time budget', () => {
  let gitlab: TFakeGitLab;

  beforeAll(async () => {
    gitlab = await createFakeGitLab({
      projects: [
        {
          id: 5,
          path_with_namespace: 'acme/huge',
          pipelines: [
            {
              id: 1,
              jobs: [
                {
                  id: 11,
                  name: 'huge',
                  status: 'failed',
                  trace: { head: HEAD, repeat: LINE, bytes: 3 * GB, tail: 'ERROR: Job failed: exit code 1\n' },
                },
                { id: 12, name: 'endless', status: 'failed', trace: { head: HEAD, repeat: LINE, bytes: Number.POSITIVE_INFINITY } },
              ],
            },
          ],
        },
      ],
    });
  });
  afterAll(() => gitlab.close());

  it('stops a 3 GB log at the byte budget and keeps its announced size (past 32 bits)', async () => {
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, baseDelayMs: 1, timeoutMs: 20_000 });
    const trace = await api.readJobTrace(5, 11, { maxBytes: MB, maxLines: 0, maxReadBytes: 4 * MB, maxReadMs: 600_000 });
    expect(trace.totalBytes).toBe(3 * GB + Buffer.byteLength(HEAD) + Buffer.byteLength('ERROR: Job failed: exit code 1\n'));
    expect(trace.totalBytes).toBeGreaterThan(2 ** 31);
    expect(trace).toMatchObject({ truncated: true, stoppedBy: 'byte_budget', sizeKnown: true });
    expect(trace.readBytes).toBeGreaterThanOrEqual(4 * MB);
    expect(trace.readBytes).toBeLessThan(8 * MB);
    expect(trace.text.startsWith(HEAD)).toBe(true);
    expect(trace.text.split('\n').pop()).toMatch(
      /^\[\.\.\. ci-analyst: stopped reading this log after \d+ of \d+ bytes \(byte budget\) \.\.\.\]$/,
    );
  });

  it('stops a log that never ends at the time budget, its size unknown', async () => {
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, baseDelayMs: 1, timeoutMs: 20_000 });
    const trace = await api.readJobTrace(5, 12, { maxBytes: MB, maxLines: 0, maxReadBytes: Number.MAX_SAFE_INTEGER, maxReadMs: 300 });
    expect(trace).toMatchObject({ truncated: true, stoppedBy: 'time_budget', sizeKnown: false });
    expect(trace.totalBytes).toBe(trace.readBytes);
    expect(trace.text.startsWith(HEAD)).toBe(true);
    expect(trace.text.split('\n').at(-2)).toBe(LINE.trimEnd());
    expect(trace.text.split('\n').pop()).toMatch(
      /^\[\.\.\. ci-analyst: stopped reading this log after \d+ bytes \(time budget\); it had not ended \.\.\.\]$/,
    );
  });
});
