import { readExcerptFacts } from './excerpt-facts';

describe('readExcerptFacts', () => {
  it('reads a registry outage as a registry signal with its host, and the runner lines as no code error', () => {
    const facts = readExcerptFacts([
      'WARNING: Failed to pull image with policy "always": Error response from daemon: Get "https://registry.gitlab.com/v2/": dial tcp 35.227.35.254:443: i/o timeout (manager.go:237:15s)',
      'ERROR: Job failed: failed to pull image "registry.gitlab.com/acme/ci:1.2" with specified policies [always]: Error response from daemon: Get "https://registry.gitlab.com/v2/": dial tcp 35.227.35.254:443: i/o timeout (manager.go:237:15s)',
    ]);
    expect(facts.codeErrors).toEqual([]);
    expect(facts.infraSignals[0]).toMatchObject({ kind: 'registry', host: 'registry.gitlab.com' });
  });

  it('reads a DNS failure of the npm registry as a network signal naming the host', () => {
    const facts = readExcerptFacts([
      'npm ERR! code EAI_AGAIN',
      'npm ERR! request to https://registry.npmjs.org/left-pad failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org',
      'ERROR: Job failed: exit code 1',
    ]);
    expect(facts).toEqual({ codeErrors: [], infraSignals: [expect.objectContaining({ kind: 'network', host: 'registry.npmjs.org' })] });
  });

  it('reads OOM kills, time limits, full disks and runner system failures', () => {
    expect(
      readExcerptFacts(['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory']).infraSignals[0]?.kind,
    ).toBe('out_of_memory');
    expect(readExcerptFacts(['ERROR: Job failed: execution took longer than 1h0m0s seconds']).infraSignals[0]?.kind).toBe('timeout');
    expect(readExcerptFacts(['tar: ./node_modules/.cache: Cannot write: No space left on device']).infraSignals[0]?.kind).toBe('disk_full');
    expect(
      readExcerptFacts(['ERROR: Job failed (system failure): Error response from daemon: OCI runtime create failed']).infraSignals[0]?.kind,
    ).toBe('runner_system');
  });

  it('counts failing tests and compile errors as code errors, and a refused connection in a test as no signal', () => {
    const jest = readExcerptFacts([
      'FAIL src/pool.test.ts',
      '  ● Pool › opens a connection',
      '    connect ECONNREFUSED 127.0.0.1:5432',
      'Tests:       1 failed, 14 passed, 15 total',
    ]);
    expect(jest.codeErrors).toContain('FAIL src/pool.test.ts');
    expect(jest.infraSignals).toEqual([]);
    expect(readExcerptFacts(["src/db.ts(17,5): error TS2304: Cannot find name 'Pool'."]).codeErrors).toHaveLength(1);
  });

  it('keeps the signal of a test that ran out of memory, beside the test error that rules out infrastructure', () => {
    const facts = readExcerptFacts([
      'java.lang.OutOfMemoryError: Java heap space',
      'Tests run: 12, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 3.2 sec <<< FAILURE! - in com.acme.PoolTest',
    ]);
    expect(facts.infraSignals[0]?.kind).toBe('out_of_memory');
    expect(facts.codeErrors).toHaveLength(1);
  });
});
