import {
  canonicalPipelineRef,
  GITLAB_EVENTS,
  ZJobHook,
  ZPipelineHook,
  type TFailedJobRef,
  type TJobHook,
  type TJobRef,
  type TMergeRequestRef,
  type TPipelineHook,
  type TPipelineRef,
  type TProjectRef,
} from '@cia/contracts';
import { AppError, fromZodError } from '../http/app-error';

export type TNormalizedEvent =
  | {
      kind: 'failure';
      objectKind: string;
      project: TProjectRef;
      pipeline: TPipelineRef;
      failedJobs: TFailedJobRef[];
      /** Job Hooks may arrive before the pipeline finishes: their analysis waits a little. */
      fromJobHook: boolean;
    }
  | {
      kind: 'ignored';
      objectKind?: string;
      projectId?: number;
      pipelineId?: number;
      reason: string;
      /** A pipeline that passed: a note still showing a failure for its MR or ref can say "fixed". */
      succeeded?: TPipelineSucceeded;
    };

export type TPipelineSucceeded = {
  project_id: number;
  project_path: string | null;
  pipeline_id: number;
  ref: string | null;
  sha: string | null;
  merge_request_iid: number | null;
  pipeline_url: string | null;
  /** The project's default branch as the hook names it: a green pipeline there may fix open incidents. */
  default_branch: string | null;
};

function pathFromUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).pathname.replace(/^\/+|\/+$/g, '') || null;
  } catch {
    return null;
  }
}

/**
 * The project path in an SSH clone URL (`git@host:group/proj.git`, `ssh://git@host:2222/group/proj.git`):
 * unlike a web URL, it never carries the instance's relative URL root.
 */
function pathFromSshUrl(url: string | null | undefined): string | null {
  const match = /^(?:ssh:\/\/[^/]+\/|[^:/\s]+@[^:/\s]+:)(.+?)(?:\.git)?\/?$/.exec(url ?? '');
  return match?.[1] ?? null;
}

/**
 * The pipeline's jobs as the hook lists them, one per name: GitLab lists only the latest run of each
 * job, older versions listed retried runs too (the retry has the higher id).
 */
function latestJobs(builds: NonNullable<TPipelineHook['builds']>): TJobRef[] {
  const byName = new Map<string, TJobRef>();
  for (const b of builds) {
    const seen = byName.get(b.name);
    if (seen && seen.id > b.id) continue;
    byName.set(b.name, {
      id: b.id,
      name: b.name,
      stage: b.stage,
      status: b.status,
      failure_reason: b.failure_reason ?? null,
      allow_failure: b.allow_failure,
      duration: b.duration ?? null,
    });
  }
  return [...byName.values()];
}

function mergeRequestOf(hook: TPipelineHook): TMergeRequestRef | null {
  const mr = hook.merge_request;
  if (!mr) return null;
  return {
    iid: mr.iid,
    title: mr.title ?? null,
    source_branch: mr.source_branch ?? null,
    target_branch: mr.target_branch ?? null,
    state: mr.state ?? null,
    url: mr.url ?? null,
  };
}

function fromPipelineHook(hook: TPipelineHook): TNormalizedEvent {
  const attrs = hook.object_attributes;
  // GitLab sends the source branch (source_ref) as the ref of a merge request pipeline; the same rule as every trigger.
  const { ref, merge_request_iid } = canonicalPipelineRef({
    ref: attrs.ref,
    sourceBranch: hook.merge_request?.source_branch,
    mergeRequestIid: hook.merge_request?.iid,
  });
  if (attrs.status !== 'failed') {
    const succeeded: TPipelineSucceeded | undefined =
      attrs.status === 'success'
        ? {
            project_id: hook.project.id,
            project_path: hook.project.path_with_namespace ?? null,
            pipeline_id: attrs.id,
            ref,
            sha: attrs.sha ?? null,
            merge_request_iid,
            pipeline_url: attrs.url ?? null,
            default_branch: hook.project.default_branch ?? null,
          }
        : undefined;
    return {
      kind: 'ignored',
      objectKind: 'pipeline',
      projectId: hook.project.id,
      pipelineId: attrs.id,
      reason: `pipeline status is ${attrs.status}, not failed`,
      succeeded,
    };
  }
  const failedJobs: TFailedJobRef[] = (hook.builds ?? [])
    .filter((b) => b.status === 'failed' && !b.allow_failure)
    .map((b) => ({
      id: b.id,
      name: b.name,
      stage: b.stage,
      status: b.status,
      failure_reason: b.failure_reason ?? null,
      allow_failure: false,
    }));
  const projectUrl = hook.project.web_url ?? null;
  return {
    kind: 'failure',
    objectKind: 'pipeline',
    fromJobHook: false,
    project: {
      id: hook.project.id,
      path: hook.project.path_with_namespace ?? pathFromUrl(projectUrl),
      name: hook.project.name ?? null,
      web_url: projectUrl,
      default_branch: hook.project.default_branch ?? null,
    },
    pipeline: {
      id: attrs.id,
      iid: attrs.iid ?? null,
      ref,
      sha: attrs.sha ?? null,
      url: attrs.url ?? (projectUrl ? `${projectUrl}/-/pipelines/${attrs.id}` : null),
      status: attrs.status,
      source: attrs.source ?? null,
      merge_request_iid,
      commit_title: hook.commit?.title ?? null,
      commit_author: hook.commit?.author?.name ?? null,
      merge_request: mergeRequestOf(hook),
      ...(hook.builds?.length ? { jobs: latestJobs(hook.builds) } : {}),
    },
    failedJobs: failedJobs.map((j) => ({ ...j, web_url: projectUrl ? `${projectUrl}/-/jobs/${j.id}` : null })),
  };
}

function fromJobHook(hook: TJobHook): TNormalizedEvent {
  if (hook.build_status !== 'failed') {
    return {
      kind: 'ignored',
      objectKind: 'build',
      projectId: hook.project_id,
      pipelineId: hook.pipeline_id,
      reason: `job status is ${hook.build_status}, not failed`,
    };
  }
  if (hook.build_allow_failure) {
    return {
      kind: 'ignored',
      objectKind: 'build',
      projectId: hook.project_id,
      pipelineId: hook.pipeline_id,
      reason: 'job is allowed to fail',
    };
  }
  // The documented `project` object first (when it is the job's project); older payloads only had
  // `repository` (whose homepage, a web URL, starts with the relative URL root, if any) and
  // `project_name` (the full name, with the namespace's).
  const project = hook.project?.id === hook.project_id ? hook.project : undefined;
  const repo = hook.repository;
  const projectUrl = project?.web_url ?? repo?.homepage ?? null;
  const path = project?.path_with_namespace ?? pathFromSshUrl(repo?.git_ssh_url ?? repo?.url) ?? pathFromUrl(projectUrl);
  return {
    kind: 'failure',
    objectKind: 'build',
    fromJobHook: true,
    project: {
      id: hook.project_id,
      path,
      name: project?.name ?? repo?.name ?? hook.project_name ?? null,
      web_url: projectUrl,
      default_branch: project?.default_branch ?? null,
    },
    pipeline: {
      id: hook.pipeline_id,
      // A merge request pipeline's job names refs/merge-requests/<iid>/head: the iid is kept, the branch is not said.
      ...canonicalPipelineRef({ ref: hook.ref }),
      sha: hook.sha ?? hook.commit?.sha ?? null,
      url: projectUrl ? `${projectUrl}/-/pipelines/${hook.pipeline_id}` : null,
      commit_author: hook.commit?.author_name ?? null,
    },
    failedJobs: [
      {
        id: hook.build_id,
        name: hook.build_name,
        stage: hook.build_stage,
        status: hook.build_status,
        failure_reason: hook.build_failure_reason ?? null,
        allow_failure: false,
        web_url: projectUrl ? `${projectUrl}/-/jobs/${hook.build_id}` : null,
      },
    ],
  };
}

/** Validates a delivery against GitLab's documented payloads and says what it means for us. */
export function normalizeEvent(eventHeader: string | undefined, body: unknown): TNormalizedEvent {
  if (!eventHeader) throw new AppError('bad_request', 'X-Gitlab-Event header is required', 'X-Gitlab-Event');
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new AppError('validation_failed', 'body must be a JSON object', 'body');
  const kind = (body as { object_kind?: unknown }).object_kind;
  if (eventHeader === GITLAB_EVENTS.pipeline) {
    const parsed = ZPipelineHook.safeParse(body);
    if (!parsed.success) throw fromZodError(parsed.error);
    return fromPipelineHook(parsed.data);
  }
  if (eventHeader === GITLAB_EVENTS.job) {
    const parsed = ZJobHook.safeParse(body);
    if (!parsed.success) throw fromZodError(parsed.error);
    return fromJobHook(parsed.data);
  }
  return { kind: 'ignored', objectKind: typeof kind === 'string' ? kind : undefined, reason: `event "${eventHeader}" is not analysed` };
}
