import crypto from 'node:crypto';
import type { TFakeGitLab, TFakeJob, TFakeProject, TFakeRequest } from '@cia/gitlab/testing';
import { jobLog } from './history-logs';
import { PROJECTS, type TJobScript, type TPipelineScript, type TProjectName } from './history-script';

/**
 * Plays the scripted history on the fake GitLab: each pipeline is added when it finishes (so a
 * verdict sees only what had happened by then) and announced with the Pipeline Hook GitLab
 * sends (doc/user/project/integrations/webhook_events.md).
 */

export const DEFAULT_BRANCH = 'main';
const FIRST_PIPELINE = 7001;

/** A commit's sha: stable, distinct per project and key. */
export const shaOf = (project: TProjectName, key: string): string => crypto.createHash('sha1').update(`${project}:${key}`).digest('hex');

/** A job's status as its log says: platform failures and failing runs fail, the rest pass. */
const failed = (job: TJobScript): boolean => (typeof job.log !== 'string' ? 'fail' in job.log : job.log !== 'ok');

export type TPlayedPipeline = {
  script: TPipelineScript;
  pipelineId: number;
  projectId: number;
  sha: string;
  status: 'success' | 'failed';
  jobIds: Map<string, number>;
};

/** The three projects with their commit graphs, no pipelines yet. */
export function fakeProjects(): TFakeProject[] {
  return (Object.keys(PROJECTS) as TProjectName[]).map((name) => {
    const p = PROJECTS[name];
    return {
      id: p.id,
      path_with_namespace: p.path,
      name,
      default_branch: DEFAULT_BRANCH,
      commits: p.commits.map((c) => ({
        id: shaOf(name, c.key),
        title: c.title,
        message: c.title,
        author_name: c.author,
        parent_ids: c.parent === undefined ? [] : [shaOf(name, c.parent)],
        changed_files: c.files ?? [],
      })),
    };
  });
}

/** Adds the scripted pipeline, finished, to the fake GitLab; ids go up in the order pipelines finish. */
export function addPipeline(gitlab: TFakeGitLab, script: TPipelineScript, index: number): TPlayedPipeline {
  const project = PROJECTS[script.project];
  const pipelineId = FIRST_PIPELINE + index;
  const jobIds = new Map<string, number>();
  const jobs: TFakeJob[] = script.jobs.map((job, i) => {
    const id = pipelineId * 10 + i;
    jobIds.set(job.name, id);
    const isFailed = failed(job);
    return {
      id,
      name: job.name,
      stage: job.stage,
      status: isFailed ? 'failed' : 'success',
      failure_reason: isFailed ? (job.reason ?? 'script_failure') : null,
      trace: jobLog(job.log, id),
    };
  });
  const status = jobs.some((j) => j.status === 'failed') ? 'failed' : 'success';
  const sha = shaOf(script.project, script.commit);
  const ref = script.mr === undefined ? script.branch : `refs/merge-requests/${script.mr}/head`;
  gitlab.addPipeline(project.id, {
    id: pipelineId,
    iid: index + 1,
    ref,
    sha,
    status,
    source: script.mr === undefined ? 'push' : 'merge_request_event',
    jobs,
  });
  return { script, pipelineId, projectId: project.id, sha, status, jobIds };
}

/** The Pipeline Hook of a finished pipeline, as GitLab documents it. */
export function pipelineHookOf(played: TPlayedPipeline, webBase: string) {
  const { script, pipelineId, sha, status } = played;
  const project = PROJECTS[script.project];
  const webUrl = `${webBase}/${project.path}`;
  const commit = project.commits.find((c) => c.key === script.commit);
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: pipelineId,
      iid: pipelineId - FIRST_PIPELINE + 1,
      name: null,
      ref: script.branch,
      tag: false,
      sha,
      before_sha: '0000000000000000000000000000000000000000',
      source: script.mr === undefined ? 'push' : 'merge_request_event',
      status,
      detailed_status: status,
      stages: [...new Set(script.jobs.map((j) => j.stage))],
      created_at: '2026-11-20 10:00:00 UTC',
      finished_at: '2026-11-20 10:05:00 UTC',
      duration: 300,
      queued_duration: 2,
      variables: [],
      url: `${webUrl}/-/pipelines/${pipelineId}`,
    },
    merge_request:
      script.mr === undefined
        ? null
        : {
            id: project.id * 1000 + script.mr,
            iid: script.mr,
            title: commit?.title ?? 'Change',
            source_branch: script.branch,
            source_project_id: project.id,
            target_branch: DEFAULT_BRANCH,
            target_project_id: project.id,
            state: 'opened',
            merge_status: 'can_be_merged',
            detailed_merge_status: 'mergeable',
            url: `${webUrl}/-/merge_requests/${script.mr}`,
          },
    user: { id: 1, name: 'Administrator', username: 'root', avatar_url: null, email: 'admin@example.com' },
    project: {
      id: project.id,
      name: script.project,
      description: null,
      web_url: webUrl,
      avatar_url: null,
      git_ssh_url: `git@example.com:${project.path}.git`,
      git_http_url: `${webUrl}.git`,
      namespace: 'acme',
      visibility_level: 0,
      path_with_namespace: project.path,
      default_branch: DEFAULT_BRANCH,
    },
    commit: {
      id: sha,
      message: `${commit?.title ?? 'Change'}\n`,
      title: commit?.title ?? 'Change',
      timestamp: '2026-11-20T09:59:00+00:00',
      url: `${webUrl}/-/commit/${sha}`,
      author: { name: commit?.author ?? 'Dev', email: 'dev@example.com' },
    },
    source_pipeline: null,
    builds: script.jobs.map((job) => ({
      id: played.jobIds.get(job.name),
      stage: job.stage,
      name: job.name,
      status: failed(job) ? 'failed' : 'success',
      created_at: '2026-11-20 10:00:00 UTC',
      started_at: '2026-11-20 10:01:00 UTC',
      finished_at: '2026-11-20 10:04:00 UTC',
      duration: 180,
      queued_duration: 1,
      failure_reason: failed(job) ? (job.reason ?? 'script_failure') : null,
      when: 'on_success',
      manual: false,
      allow_failure: false,
      user: { id: 1, name: 'Administrator', username: 'root' },
      runner: null,
      artifacts_file: { filename: null, size: null },
      environment: null,
    })),
  };
}

/**
 * The requests of one analysis that only its verdicts make (the fetch step never makes them):
 * finished-pipeline lists (the baseline lists green pipelines by status), compare, commit diffs,
 * job lists of other pipelines without a scope (the baseline asks for passed jobs), logs of
 * failed jobs of other pipelines (baselines are passing jobs).
 */
export function verdictRequests(requests: TFakeRequest[], played: TPlayedPipeline, failedJobIds: Set<number>): TFakeRequest[] {
  return requests.filter((r) => {
    if (r.method !== 'GET') return false;
    const path = r.path;
    if (/^\/projects\/\d+\/pipelines$/.test(path)) return r.query.scope === 'finished';
    if (/^\/projects\/\d+\/repository\/compare$/.test(path) || /^\/projects\/\d+\/repository\/commits\/[^/]+\/diff$/.test(path))
      return true;
    const jobs = /^\/projects\/\d+\/pipelines\/(\d+)\/jobs$/.exec(path);
    if (jobs) return Number(jobs[1]) !== played.pipelineId && r.query.scope === undefined && r.query['scope[]'] === undefined;
    const trace = /^\/projects\/\d+\/jobs\/(\d+)\/trace$/.exec(path);
    return trace !== null && failedJobIds.has(Number(trace[1])) && ![...played.jobIds.values()].includes(Number(trace[1]));
  });
}
