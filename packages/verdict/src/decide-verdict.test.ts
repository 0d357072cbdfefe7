import { identifyFailure } from '@cia/log-intel';
import { decideVerdict } from './decide-verdict';
import { readExcerptFacts } from './excerpt-facts';
import type { TComparedRun, TJobFacts } from './verdict.types';

const JEST_FAILURE = [
  '$ npx jest --ci',
  'FAIL src/db/pool.test.ts',
  '  ● Pool › releases a connection',
  '    expect(received).toBe(expected) // Object.is equality',
  '    Expected: 0',
  '    Received: 1',
  '      at Object.<anonymous> (/builds/acme/app/src/db/pool.test.ts:42:25)',
  'Tests:       1 failed, 14 passed, 15 total',
  'ERROR: Job failed: exit code 1',
];
const REGISTRY_OUTAGE = [
  'WARNING: Failed to pull image with policy "always": Error response from daemon: Get "https://registry.gitlab.com/v2/": dial tcp 35.227.35.254:443: i/o timeout (manager.go:237:15s)',
  'ERROR: Job failed: failed to pull image "registry.gitlab.com/acme/ci:1.2" with specified policies [always]: Error response from daemon: Get "https://registry.gitlab.com/v2/": dial tcp 35.227.35.254:443: i/o timeout (manager.go:237:15s)',
];

const MAIN_HEAD = { pipelineId: 880, sha: '5d41402abc4b2a76b9719d911017c592', finishedAt: '2026-11-30T09:12:00Z' };
const MAIN_RED_SINCE = { pipelineId: 871, sha: '7b52009b64fd0a2a49e6d8a939753077', finishedAt: '2026-11-29T17:40:00Z' };

/** A failed job of project 42 with its real fingerprint and excerpt facts; `more` sets the rest. */
function facts(log: string[], more: Partial<TJobFacts> = {}, job: Partial<TJobFacts['job']> = {}): TJobFacts {
  const failureReason = job.failureReason ?? 'script_failure';
  const identity = identifyFailure({ lines: log, project: 42, jobName: 'test', failureReason });
  return {
    job: { jobId: 9001, name: 'test', sha: 'e4da3b7fbbce2345d7772b0674a318d5', pipelineId: 901, failureReason, ...job },
    identity: { fingerprint: identity.fingerprint, basis: identity.basis },
    excerpt: readExcerptFacts(log),
    branch: { onDefaultBranch: false, targetBranch: 'main' },
    history: { sameCommit: { failures: 0, passes: 0 }, intermittentChanges: 0 },
    ...more,
  };
}

const fingerprintOf = (log: string[], project = 42) =>
  identifyFailure({ lines: log, project, jobName: 'test', failureReason: 'script_failure' }).fingerprint;
const mainFailing = (fingerprint: string, since = MAIN_RED_SINCE): TComparedRun => ({
  ...MAIN_HEAD,
  job: { jobId: 8800, status: 'failed', fingerprint },
  failingSince: since,
});
const mainPassing: TComparedRun = { ...MAIN_HEAD, job: { jobId: 8800, status: 'success' } };
const NEW_LINES = { newFailureLines: 4, failureLines: 5 };

describe('decideVerdict', () => {
  it('calls a job that passed on main and fails with new lines "Caused by this change"', () => {
    const v = decideVerdict(facts(JEST_FAILURE, { compared: mainPassing, baselineDiff: NEW_LINES }));
    expect(v).toMatchObject({ kind: 'caused_by_change', headline: 'Caused by this change', safeToMerge: false });
    expect(v.evidence).toContainEqual({ kind: 'baseline_diff', newFailureLines: 4, failureLines: 5 });
  });

  it('calls the same failure on main "Already failing", with the pipeline and commit it began', () => {
    const v = decideVerdict(facts(JEST_FAILURE, { compared: mainFailing(fingerprintOf(JEST_FAILURE)) }));
    expect(v.kind).toBe('already_failing');
    expect(v.headline).toBe('Already failing on main since pipeline #871 (commit 7b52009b): not caused by this change');
    expect(v.evidence).toContainEqual({ kind: 'failing_since', pipeline: MAIN_RED_SINCE });
  });

  it('does not call the same error text of another project "Already failing"', () => {
    const otherProjects = fingerprintOf(JEST_FAILURE, 77);
    const v = decideVerdict(facts(JEST_FAILURE, { compared: mainFailing(otherProjects), baselineDiff: NEW_LINES }));
    expect(v.kind).toBe('undetermined');
    expect(v.reason).toBe('compared_run_fails_differently');
    expect(v.headline).toBe('Also failing on main (pipeline #880), with another failure');
  });

  it('says "Still failing" on the default branch itself', () => {
    const v = decideVerdict(
      facts(JEST_FAILURE, { branch: { onDefaultBranch: true, targetBranch: 'main' }, compared: mainFailing(fingerprintOf(JEST_FAILURE)) }),
    );
    expect(v.headline).toBe('Still failing on main since pipeline #871 (commit 7b52009b)');
  });

  it('tells a merge request whose failure main has fixed since to rebase, before "Already failing"', () => {
    const fix = { pipelineId: 884, sha: 'c4ca4238a0b923820dcc509a6f75849b' };
    const v = decideVerdict(facts(JEST_FAILURE, { compared: mainFailing(fingerprintOf(JEST_FAILURE)), fixedOnTarget: fix }));
    expect(v).toMatchObject({ kind: 'fixed_on_target', headline: 'Fixed on main in c4ca4238 (pipeline #884); rebase' });
  });

  it('calls a registry outage with no code error "Infrastructure", naming the registry, and advises a retry', () => {
    const v = decideVerdict(facts(REGISTRY_OUTAGE, { compared: mainPassing, baselineDiff: NEW_LINES }));
    expect(v).toMatchObject({
      kind: 'infrastructure',
      headline: 'Infrastructure: registry unreachable (registry.gitlab.com)',
      retryAdvised: true,
      safeToMerge: false,
    });
  });

  it("believes GitLab's runner system failure whatever the log shows", () => {
    const v = decideVerdict(facts(JEST_FAILURE, {}, { failureReason: 'runner_system_failure' }));
    expect(v).toMatchObject({ kind: 'infrastructure', headline: 'Infrastructure: runner system failure' });
    expect(v.evidence[0]).toEqual({ kind: 'failure_reason', reason: 'runner_system_failure' });
  });

  it('calls a time limit infrastructure only when the log shows no test or compile error', () => {
    const hung = ['$ ./gradlew integrationTest', '> Task :integrationTest', 'ERROR: Job failed: execution took longer than 1h0m0s seconds'];
    expect(decideVerdict(facts(hung, {}, { failureReason: 'job_execution_timeout' })).headline).toBe(
      'Infrastructure: timed out without a test or compile error',
    );
    const failedThenHung = [...JEST_FAILURE.slice(0, -1), 'ERROR: Job failed: execution took longer than 1h0m0s seconds'];
    const v = decideVerdict(
      facts(failedThenHung, { compared: mainPassing, baselineDiff: NEW_LINES }, { failureReason: 'job_execution_timeout' }),
    );
    expect(v.kind).toBe('caused_by_change');
  });

  it('never calls an OOM inside a failing test infrastructure', () => {
    const leak = [
      'java.lang.OutOfMemoryError: Java heap space',
      'Tests run: 12, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 3.2 sec <<< FAILURE! - in com.acme.PoolTest',
    ];
    expect(decideVerdict(facts(leak, { compared: mainPassing, baselineDiff: NEW_LINES })).kind).toBe('caused_by_change');
  });

  it('calls a failure that passed and failed on this commit "Likely flaky", before "Caused by this change", and advises a retry', () => {
    const v = decideVerdict(
      facts(JEST_FAILURE, {
        compared: mainPassing,
        baselineDiff: NEW_LINES,
        history: { sameCommit: { failures: 1, passes: 1 }, intermittentChanges: 0 },
      }),
    );
    expect(v).toMatchObject({
      kind: 'likely_flaky',
      headline: 'Likely flaky: failed and passed on this commit (2 failures, 1 pass)',
      retryAdvised: true,
      safeToMerge: false,
    });
  });

  it('calls a failure that came and went on two other changes "Likely flaky", but not after one', () => {
    const at = (n: number) =>
      decideVerdict(
        facts(JEST_FAILURE, {
          compared: mainPassing,
          baselineDiff: NEW_LINES,
          history: { sameCommit: { failures: 0, passes: 0 }, intermittentChanges: n },
        }),
      );
    expect(at(2).headline).toBe('Likely flaky: the same failure came and went on 2 other changes');
    expect(at(1).kind).toBe('caused_by_change');
  });

  it('drops the "came and went" suspicion once a retry failed too, but not the same-commit evidence', () => {
    const retryFailed = { jobId: 9002, status: 'failed' as const };
    const elsewhere = facts(JEST_FAILURE, {
      compared: mainPassing,
      baselineDiff: NEW_LINES,
      retry: retryFailed,
      history: { sameCommit: { failures: 0, passes: 0 }, intermittentChanges: 3 },
    });
    expect(decideVerdict(elsewhere).kind).toBe('caused_by_change');
    const onCommit = facts(JEST_FAILURE, {
      retry: retryFailed,
      history: { sameCommit: { failures: 1, passes: 1 }, intermittentChanges: 0 },
    });
    expect(decideVerdict(onCommit).headline).toMatch(/^Likely flaky: .*; the retry failed too$/);
  });

  it('says "Flaky (retry passed)" once a retry of the job passed, the only case with "safe to merge"', () => {
    const v = decideVerdict(
      facts(JEST_FAILURE, { compared: mainFailing(fingerprintOf(JEST_FAILURE)), retry: { jobId: 9002, status: 'passed' } }),
    );
    expect(v).toMatchObject({ kind: 'flaky_confirmed', headline: 'Flaky (retry passed)', safeToMerge: true, retryAdvised: false });
  });

  it('keeps "Infrastructure" when the retry of an outage passed, and says so', () => {
    const v = decideVerdict(facts(REGISTRY_OUTAGE, { retry: { jobId: 9002, status: 'passed' } }));
    expect(v).toMatchObject({
      kind: 'infrastructure',
      headline: 'Infrastructure: registry unreachable (registry.gitlab.com) (retry passed)',
      safeToMerge: true,
    });
  });

  it('names the most likely commit of a new failure on the default branch', () => {
    const culprits = [
      { sha: 'a87ff679a2f3e71d9181a67b7542122c', title: 'Pool: release on error', author: 'Ada Lovelace', score: 6, matches: [] },
      { sha: 'e4da3b7fbbce2345d7772b0674a318d5', title: 'Docs', author: 'Alan Turing', score: 0, matches: [] },
    ];
    const v = decideVerdict(
      facts(JEST_FAILURE, {
        branch: { onDefaultBranch: true, targetBranch: 'main' },
        compared: mainPassing,
        baselineDiff: NEW_LINES,
        culprits,
      }),
    );
    expect(v.headline).toBe(
      'New failure on main since pipeline #880 (commit 5d41402a): most likely a87ff679 "Pool: release on error" by Ada Lovelace',
    );
    expect(v.culprits).toEqual(culprits);
    const tied = culprits.map((c) => ({ ...c, score: 2 }));
    expect(
      decideVerdict(
        facts(JEST_FAILURE, {
          branch: { onDefaultBranch: true, targetBranch: 'main' },
          compared: mainPassing,
          baselineDiff: NEW_LINES,
          culprits: tied,
        }),
      ).headline,
    ).toBe('New failure on main since pipeline #880 (commit 5d41402a): 2 commits to check');
  });

  it.each([
    ['no finished pipeline on main', {}, 'no_compared_run', 'No finished pipeline on main to compare with'],
    [
      'the job not in main’s pipeline',
      { compared: { ...MAIN_HEAD } },
      'job_not_in_compared_run',
      "Not run in main's latest pipeline (pipeline #880): nothing to compare with",
    ],
    [
      'the job canceled on main',
      { compared: { ...MAIN_HEAD, job: { jobId: 1, status: 'canceled' as const } } },
      'compared_job_not_finished',
      "Job canceled in main's latest pipeline (pipeline #880): nothing to compare with",
    ],
    [
      'passed on main, logs not compared',
      { compared: mainPassing },
      'no_baseline_comparison',
      'Passed on main (pipeline #880); its log could not be compared, so the cause is not settled',
    ],
    [
      'passed on main with the same lines',
      { compared: mainPassing, baselineDiff: { newFailureLines: 0, failureLines: 5 } },
      'failure_lines_not_new',
      'Passed on main (pipeline #880), yet its log shows the same failure lines: cause unclear',
    ],
  ])('says it cannot tell with %s', (_what, more, reason, headline) => {
    expect(decideVerdict(facts(JEST_FAILURE, more as Partial<TJobFacts>))).toMatchObject({ kind: 'undetermined', reason, headline });
  });

  it('never matches two failures without a log as the same failure', () => {
    const v = decideVerdict(facts([], { compared: mainFailing(fingerprintOf([])), fixedOnTarget: MAIN_HEAD }));
    expect(v).toMatchObject({ kind: 'undetermined', reason: 'no_log' });
  });

  it('writes "safe to merge" only with a passing retry, and "flaky" only with flaky evidence, whatever else holds', () => {
    const compared = [undefined, mainPassing, mainFailing(fingerprintOf(JEST_FAILURE)), mainFailing('another')];
    const retries = [
      undefined,
      { jobId: 2, status: 'passed' as const },
      { jobId: 2, status: 'failed' as const },
      { jobId: 2, status: 'pending' as const },
    ];
    const histories = [
      { sameCommit: { failures: 0, passes: 0 }, intermittentChanges: 0 },
      { sameCommit: { failures: 2, passes: 1 }, intermittentChanges: 5 },
    ];
    for (const log of [JEST_FAILURE, REGISTRY_OUTAGE, []]) {
      for (const c of compared) {
        for (const retry of retries) {
          for (const history of histories) {
            for (const onDefaultBranch of [false, true]) {
              const f = facts(log, {
                compared: c,
                retry,
                history,
                branch: { onDefaultBranch, targetBranch: 'main' },
                baselineDiff: NEW_LINES,
                fixedOnTarget: MAIN_HEAD,
              });
              const v = decideVerdict(f);
              if (v.safeToMerge) expect(retry?.status).toBe('passed');
              const flakyEvidence = retry?.status === 'passed' || history.sameCommit.passes > 0 || history.intermittentChanges > 0;
              if (v.kind === 'likely_flaky' || v.kind === 'flaky_confirmed') expect(flakyEvidence).toBe(true);
            }
          }
        }
      }
    }
  });
});
