import type { TFakeGitLab, TFakeJob, TFakeProject } from '@cia/gitlab/testing';

/**
 * A flaky test on the fake GitLab, as GitLab would show it: on one merge request commit the `test`
 * job fails (pipeline 1), passes (pipeline 2) and fails again (pipeline 3), while main passes it.
 * Pipeline 3's failure is "likely flaky" (failed and passed on this commit); what a retry of it
 * does is scripted on its job (`retryOutcome`).
 */

export const FAILING = [
  '$ pytest -q',
  'FAILED tests/test_cart.py::test_total - AssertionError: assert 3 == 4',
  'E       AssertionError: assert 3 == 4',
  '1 failed, 40 passed in 2.42s',
  'ERROR: Job failed: exit code 1',
].join('\n');
export const PASSING = ['$ pytest -q', '41 passed in 2.31s', 'Job succeeded'].join('\n');

const MR_IID = 3;
const SOURCE_BRANCH = 'feature';

export type TFlakyProject = { id: number; path: string; sha: string };

/** The project with its green main pipeline and the merge request of the flaky commit. */
export function flakyProject(p: TFlakyProject): TFakeProject {
  return {
    id: p.id,
    path_with_namespace: p.path,
    default_branch: 'main',
    commits: [{ id: p.sha }, { id: 'a'.repeat(40) }],
    mergeRequests: [{ iid: MR_IID, source_branch: SOURCE_BRANCH, target_branch: 'main', shas: [p.sha] }],
    pipelines: [
      {
        id: p.id * 100,
        ref: 'main',
        sha: 'a'.repeat(40),
        status: 'success',
        source: 'push',
        jobs: [{ id: p.id * 1000, name: 'test', status: 'success', trace: PASSING }],
      },
    ],
  };
}

/** Pipeline `n` (1, 2, 3) of the flaky commit: its id and its test job's id. */
export const pipelineOf = (p: TFlakyProject, n: number) => ({ pipelineId: p.id * 100 + n, jobId: p.id * 1000 + n });

/** Adds pipeline `n` of the flaky commit, finished: `test` failing or passing. */
export function addFlakyPipeline(
  gitlab: TFakeGitLab,
  p: TFlakyProject,
  n: number,
  passed: boolean,
  retryOutcome?: TFakeJob['retryOutcome'],
): { pipelineId: number; jobId: number } {
  const { pipelineId, jobId } = pipelineOf(p, n);
  gitlab.addPipeline(p.id, {
    id: pipelineId,
    ref: `refs/merge-requests/${MR_IID}/head`,
    sha: p.sha,
    status: passed ? 'success' : 'failed',
    source: 'merge_request_event',
    jobs: [
      {
        id: jobId,
        name: 'test',
        status: passed ? 'success' : 'failed',
        failure_reason: passed ? null : 'script_failure',
        trace: passed ? PASSING : FAILING,
        ...(retryOutcome ? { retryOutcome } : {}),
      },
    ],
  });
  return { pipelineId, jobId };
}

/** The Pipeline Hook GitLab sends for a merge request pipeline (doc/user/project/integrations/webhook_events.md). */
export function flakyHook(
  p: TFlakyProject,
  webBase: string,
  pipeline: { pipelineId: number; status: 'success' | 'failed'; builds: Array<{ id: number; status: 'success' | 'failed' }> },
) {
  const webUrl = `${webBase}/${p.path}`;
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: pipeline.pipelineId,
      iid: pipeline.pipelineId % 100,
      ref: SOURCE_BRANCH,
      tag: false,
      sha: p.sha,
      source: 'merge_request_event',
      status: pipeline.status,
      detailed_status: pipeline.status,
      stages: ['test'],
      created_at: '2026-11-20 10:00:00 UTC',
      finished_at: '2026-11-20 10:05:00 UTC',
      url: `${webUrl}/-/pipelines/${pipeline.pipelineId}`,
    },
    merge_request: {
      id: p.id * 1000 + MR_IID,
      iid: MR_IID,
      title: 'Cart totals',
      source_branch: SOURCE_BRANCH,
      source_project_id: p.id,
      target_branch: 'main',
      target_project_id: p.id,
      state: 'opened',
      url: `${webUrl}/-/merge_requests/${MR_IID}`,
    },
    user: { id: 1, name: 'Administrator', username: 'root' },
    project: { id: p.id, name: p.path.split('/')[1], web_url: webUrl, path_with_namespace: p.path, default_branch: 'main' },
    commit: { id: p.sha, message: 'Cart totals\n', title: 'Cart totals', url: `${webUrl}/-/commit/${p.sha}` },
    builds: pipeline.builds.map((b) => ({
      id: b.id,
      stage: 'test',
      name: 'test',
      status: b.status,
      failure_reason: b.status === 'failed' ? 'script_failure' : null,
      when: 'on_success',
      manual: false,
      allow_failure: false,
    })),
  };
}
