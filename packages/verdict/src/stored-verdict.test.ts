import { ZJobVerdict } from '@cia/contracts';
import { identifyFailure } from '@cia/log-intel';
import { decideVerdict } from './decide-verdict';
import { readExcerptFacts } from './excerpt-facts';
import { toJobVerdict } from './stored-verdict';
import type { TJobFacts } from './verdict.types';

const LOG = [
  'FAIL src/db/pool.test.ts',
  '  ● Pool › releases a connection',
  '      at Object.<anonymous> (/builds/acme/app/src/db/pool.test.ts:42:25)',
  'ERROR: Job failed: exit code 1',
];
const MAIN = { pipelineId: 880, sha: '5d41402abc4b2a76b9719d911017c592', finishedAt: '2026-11-30T09:12:00Z' };

function facts(more: Partial<TJobFacts>): TJobFacts {
  const identity = identifyFailure({ lines: LOG, project: 42, jobName: 'test', failureReason: 'script_failure' });
  return {
    job: { jobId: 9001, name: 'test', sha: 'e4da3b7fbbce2345d7772b0674a318d5', pipelineId: 901, failureReason: 'script_failure' },
    identity: { fingerprint: identity.fingerprint, basis: identity.basis },
    excerpt: readExcerptFacts(LOG),
    branch: { onDefaultBranch: true, targetBranch: 'main' },
    history: { sameCommit: { failures: 1, passes: 1 }, intermittentChanges: 0 },
    ...more,
  };
}

describe('toJobVerdict', () => {
  it('stores every kind of evidence in the contract shape (snake_case), with the fingerprint and the incident', () => {
    const flaky = decideVerdict(
      facts({ compared: { ...MAIN, job: { jobId: 8800, status: 'success' } }, retry: { jobId: 9002, status: 'pending' } }),
    );
    const stored = toJobVerdict(flaky, { fingerprint: 'fp', incidentId: 7 });
    expect(ZJobVerdict.parse(stored)).toEqual(stored);
    expect(stored).toMatchObject({ kind: 'likely_flaky', safe_to_merge: false, retry_advised: false, fingerprint: 'fp', incident_id: 7 });
    expect(stored.evidence).toEqual([
      { kind: 'same_commit', failures: 1, passes: 1 },
      {
        kind: 'compared_run',
        pipeline: { pipeline_id: 880, sha: MAIN.sha, finished_at: MAIN.finishedAt },
        job_status: 'success',
        same_failure: false,
      },
      { kind: 'retry', job_id: 9002, status: 'pending' },
    ]);
  });

  it('keeps the ranked culprits and the undetermined reason', () => {
    const culprits = [{ sha: 'a87ff679', title: 'Pool: release on error', author: 'Ada Lovelace', changedFiles: ['src/db/pool.ts'] }];
    const onMain = decideVerdict(
      facts({
        history: { sameCommit: { failures: 0, passes: 0 }, intermittentChanges: 0 },
        compared: { ...MAIN, job: { jobId: 8800, status: 'success' } },
        baselineDiff: { newFailureLines: 2, failureLines: 2 },
        culprits: culprits.map((c) => ({
          ...c,
          score: 4,
          matches: [{ name: 'src/db/pool.test.ts', file: 'src/db/pool.ts', how: 'test_subject' as const }],
        })),
      }),
    );
    const stored = ZJobVerdict.parse(toJobVerdict(onMain));
    expect(stored.culprits?.[0]).toMatchObject({ sha: 'a87ff679', author: 'Ada Lovelace', score: 4 });
    expect(stored.evidence).toContainEqual({ kind: 'baseline_diff', new_failure_lines: 2, failure_lines: 2 });
    const unknown = ZJobVerdict.parse(
      toJobVerdict(decideVerdict(facts({ history: { sameCommit: { failures: 0, passes: 0 }, intermittentChanges: 0 } }))),
    );
    expect(unknown).toMatchObject({ kind: 'undetermined', reason: 'no_compared_run' });
    expect(unknown.incident_id).toBeUndefined();
  });
});
