import { canonicalPipelineRef, MERGE_REQUEST_REF, type TMergeRequestRef } from '@cia/contracts';
import type { GitLabClient, TProjectKey } from '../gitlab.client';
import { FETCH_CACHE_TTL, type TFetchCache } from './fetch-cache';
import type { TFetchScope } from './fetch-scope';
import type { TFetchInput, TPipelineContext } from './pipeline-context.types';
import { settleAll } from './settle-all';
import type { TStepRunner } from './step-runner';

type TKnown = NonNullable<TFetchInput['known']>;
type TKnownPipeline = TKnown['pipeline'];
type TCiConfigFile = NonNullable<TPipelineContext['ci_config']>;
type TMergeRequest = NonNullable<TPipelineContext['merge_request']>;

/** The project as the API describes it (the `project` step's data). */
export type TFetchedProject = {
  id: number;
  path: string;
  name: string;
  web_url: string | null;
  default_branch: string | null;
  ci_config_path: string | null;
};

/** The pipeline when it is known, and the commit, ref and source it ran with (the trigger's when the API was not asked). */
export type TPipelineRevision = {
  pipeline: TPipelineContext['pipeline'] | null;
  sha: string | null;
  ref: string | null;
  source: string | null;
};

/** A project step failing with these means the token cannot see the project: nothing else is tried. */
const UNREACHABLE = new Set(['not_found', 'unauthorized', 'forbidden']);

/** The project to ask GitLab about: its id, else its path, from the input or what the trigger said. */
export function projectKeyOf(input: TFetchInput): TProjectKey {
  const known = input.known?.project;
  const key = input.project.id ?? input.project.path ?? known?.id ?? known?.path ?? null;
  if (key === null) throw new Error('fetchPipelineContext: a project id or path is needed');
  return key;
}

/** The project record (shared between analyses for a while), and whether the token can see the project at all. */
export async function fetchProject(
  run: TStepRunner,
  client: GitLabClient,
  cache: TFetchCache | undefined,
  key: TProjectKey,
): Promise<{ project: TFetchedProject | null; reachable: boolean }> {
  const project = await run.cached('project', { store: cache, key: `project:${key}`, ttlMs: FETCH_CACHE_TTL.project }, async () => {
    const p = await client.getProject(key);
    return {
      data: {
        id: p.id,
        path: p.path_with_namespace,
        name: p.name,
        web_url: p.web_url ?? null,
        default_branch: p.default_branch ?? null,
        ci_config_path: p.ci_config_path ?? null,
      },
      count: 1,
    };
  });
  const refused = UNREACHABLE.has(run.records.find((r) => r.step === 'project')?.error_code ?? '');
  return { project, reachable: project !== null || !refused };
}

/** The pipeline's ref, sha and status: as the trigger said them when it said all three, else from the API. */
export async function fetchPipeline(scope: TFetchScope, kp: TKnownPipeline): Promise<TPipelineRevision> {
  let pipeline: TPipelineRevision['pipeline'] = null;
  if (kp?.ref && kp.sha && kp.status) {
    pipeline = scope.run.fromTrigger('pipeline', {
      id: scope.pipelineId,
      iid: kp.iid ?? null,
      ref: kp.ref,
      sha: kp.sha,
      status: kp.status,
      source: kp.source ?? null,
      web_url: kp.url ?? null,
    });
  } else if (scope.reachable) {
    pipeline = await scope.run.step('pipeline', async () => {
      const p = await scope.client.getPipeline(scope.project, scope.pipelineId);
      return {
        data: {
          id: p.id,
          iid: p.iid ?? null,
          ref: p.ref ?? null,
          sha: p.sha ?? null,
          status: p.status,
          source: p.source ?? null,
          web_url: p.web_url ?? null,
        },
        count: 1,
      };
    });
  }
  return {
    pipeline,
    sha: pipeline?.sha ?? kp?.sha ?? null,
    ref: pipeline?.ref ?? kp?.ref ?? null,
    source: pipeline?.source ?? kp?.source ?? null,
  };
}

/** The CI config at the pipeline's commit. One kept in another project (`path@group/project`) or at a URL is not read. */
export function fetchCiConfig(
  scope: TFetchScope,
  project: TFetchedProject | null,
  known: TKnown,
  revision: TPipelineRevision,
): Promise<TCiConfigFile | null> {
  const path = project?.ci_config_path || known.project?.ci_config_path || '.gitlab-ci.yml';
  const at = revision.sha ?? revision.ref;
  if (!scope.reachable || !at || /@|^https?:/.test(path)) return Promise.resolve(null);
  return scope.run.step('ci_config', async () => {
    const file = await scope.client.readRepositoryFile(scope.project, path, at, {
      maxBytes: scope.settings.maxCiConfigBytes,
      maxLines: 0,
      headRatio: 1,
    });
    return {
      data: file && { path, text: file.text, truncated: file.truncated },
      bytes: file?.totalBytes ?? 0,
      count: file ? 1 : 0,
      truncated: file?.truncated,
    };
  });
}

/**
 * The pipeline's facts: project (with its languages), pipeline, commit, merge request and CI config,
 * each from the trigger when it said enough, else from the API; the requests run together.
 */
export async function fetchPipelineFacts(
  scope: TFetchScope,
  known: TKnown,
  project: TFetchedProject | null,
  revision: TPipelineRevision,
  ciConfig: Promise<TCiConfigFile | null>,
): Promise<Pick<TPipelineContext, 'project' | 'pipeline' | 'commit' | 'merge_request' | 'ci_config'>> {
  const kp = known.pipeline;
  const [languages, commit, mergeRequest, config] = await settleAll([
    fetchLanguages(scope),
    fetchCommit(scope, kp, revision.sha),
    fetchMergeRequest(scope, kp, revision),
    ciConfig,
  ]);
  // The API names a merge request pipeline's ref refs/merge-requests/<iid>/head; the analysis
  // uses the source branch, as the triggers do (GitLab's ref when the branch is not known).
  const ref = canonicalPipelineRef({ ref: revision.ref, sourceBranch: mergeRequest?.source_branch }).ref ?? revision.ref;
  const kproj = known.project;
  // Until the project was read, scope.project is the key it was asked by.
  const key = scope.project;
  return {
    project: {
      id: project?.id ?? (typeof key === 'number' ? key : (kproj?.id ?? null)),
      path: project?.path ?? kproj?.path ?? (typeof key === 'string' ? key : null),
      name: project?.name ?? kproj?.name ?? null,
      web_url: project?.web_url ?? kproj?.web_url ?? null,
      default_branch: project?.default_branch ?? kproj?.default_branch ?? null,
      ci_config_path: project?.ci_config_path ?? kproj?.ci_config_path ?? null,
      languages: languages ?? null,
    },
    pipeline: {
      ...(revision.pipeline ?? {
        id: scope.pipelineId,
        iid: kp?.iid ?? null,
        sha: revision.sha,
        status: kp?.status ?? null,
        source: kp?.source ?? null,
        web_url: kp?.url ?? null,
      }),
      ref,
    },
    commit: commit ?? null,
    merge_request: mergeRequest ?? null,
    ci_config: config ?? null,
  };
}

function fetchLanguages(scope: TFetchScope) {
  if (!scope.reachable) return null;
  return scope.run.cached(
    'languages',
    { store: scope.cache, key: `languages:${scope.project}`, ttlMs: FETCH_CACHE_TTL.project },
    async () => {
      const data = await scope.client.getProjectLanguages(scope.project);
      return { data, count: Object.keys(data).length };
    },
  );
}

function fetchCommit(scope: TFetchScope, kp: TKnownPipeline, sha: string | null) {
  if (kp?.commit_title && kp.commit_author && sha) {
    return scope.run.fromTrigger('commit', {
      sha,
      title: kp.commit_title,
      message: null,
      author_name: kp.commit_author,
      author_email: null,
    });
  }
  if (!scope.reachable || !sha) return null;
  return scope.run.step('commit', async () => {
    const c = await scope.client.getCommit(scope.project, sha);
    return {
      data: {
        sha: c.id,
        title: c.title ?? null,
        message: c.message ?? null,
        author_name: c.author_name ?? null,
        author_email: c.author_email ?? null,
      },
      count: 1,
    };
  });
}

function fetchMergeRequest(
  scope: TFetchScope,
  kp: TKnownPipeline,
  revision: TPipelineRevision,
): TMergeRequest | null | Promise<TMergeRequest | null> {
  const described = mergeRequestFromTrigger(kp?.merge_request);
  if (described) return scope.run.fromTrigger('merge_request', described);
  if (!scope.reachable) return null;
  const iid = kp?.merge_request_iid ?? Number(MERGE_REQUEST_REF.exec(revision.ref ?? '')?.[1] ?? NaN);
  return scope.run.step('merge_request', async () => {
    const mr = await findMergeRequest(scope, iid, revision);
    return {
      data: mr && {
        iid: mr.iid,
        title: mr.title,
        state: mr.state,
        web_url: mr.web_url ?? null,
        source_branch: mr.source_branch ?? null,
        target_branch: mr.target_branch ?? null,
        author: mr.author?.username ?? null,
      },
      count: mr ? 1 : 0,
    };
  });
}

/** The merge request the trigger or the ref named, else the commit's open one (from the pipeline's branch first). */
async function findMergeRequest(scope: TFetchScope, iid: number, { sha, ref }: TPipelineRevision) {
  if (Number.isInteger(iid)) return scope.client.getMergeRequest(scope.project, iid);
  if (!sha) return null;
  const found = await scope.client.listCommitMergeRequests(scope.project, sha);
  return found.find((m) => m.state === 'opened' && m.source_branch === ref) ?? found.find((m) => m.state === 'opened') ?? null;
}

/** The merge request as the trigger described it (a hook does not name its author); null when it said too little. */
function mergeRequestFromTrigger(mr: TMergeRequestRef | null | undefined): TMergeRequest | null {
  if (!mr?.title || !mr.state) return null;
  return {
    iid: mr.iid,
    title: mr.title,
    state: mr.state,
    web_url: mr.url,
    source_branch: mr.source_branch,
    target_branch: mr.target_branch,
    author: null,
  };
}
