import type { TFakeCommit, TFakeJob, TFakeProject } from './fake-gitlab.types';
import { json, notFound, paginate } from './fake-http';
import { renderJob } from './fake-jobs.routes';
import type { TFakeCall } from './fake-route';

/**
 * What verdicts ask about history (doc/api/repository.md `compare`, commits.md `diff`, jobs.md
 * `retry`), answered from the project's commit graph (`parent_ids`, `changed_files`) and jobs.
 */

const findCommit = (project: TFakeProject, ref: string): TFakeCommit | undefined =>
  project.commits?.find((c) => c.id === ref || c.id.startsWith(ref));

/** Every commit reachable from `sha`, itself included. */
function ancestorsOf(project: TFakeProject, sha: string): Set<string> {
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(findCommit(project, id)?.parent_ids ?? []));
  }
  return seen;
}

const renderDiff = (path: string) => ({
  old_path: path,
  new_path: path,
  a_mode: '100644',
  b_mode: '100644',
  new_file: false,
  renamed_file: false,
  deleted_file: false,
  diff: '@@ -1 +1 @@\n',
});

/** `GET /repository/compare?from=&to=`: the commits reachable from `to` and not from `from`, oldest first. */
export function compareRoute({ req, res, project, store }: TFakeCall): void {
  const from = findCommit(project, String(req.query.from ?? ''));
  const to = findCommit(project, String(req.query.to ?? ''));
  if (!from || !to) return notFound(res, '404 Ref Not Found');
  const known = ancestorsOf(project, from.id);
  const order = project.commits ?? [];
  const commits = [...ancestorsOf(project, to.id)]
    .filter((id) => !known.has(id))
    .map((id) => findCommit(project, id) as TFakeCommit)
    .sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const files = [...new Set(commits.flatMap((c) => c.changed_files ?? []))];
  return json(res, 200, {
    commit: commits.at(-1) ? renderCommit(commits.at(-1) as TFakeCommit) : null,
    commits: commits.map(renderCommit),
    diffs: files.map(renderDiff),
    compare_timeout: false,
    compare_same_ref: from.id === to.id,
    web_url: `${store.webBase()}/${project.path_with_namespace}/-/compare/${from.id}...${to.id}`,
  });
}

function renderCommit(c: TFakeCommit) {
  return {
    id: c.id,
    short_id: c.id.slice(0, 8),
    title: c.title ?? 'A commit',
    message: c.message ?? c.title ?? 'A commit',
    author_name: c.author_name ?? 'Dev',
    author_email: c.author_email ?? 'dev@example.com',
    created_at: '2026-11-20T09:00:00.000Z',
    parent_ids: c.parent_ids ?? [],
  };
}

/** `GET /repository/commits/:sha/diff`: the files the commit changed. */
export function commitDiffRoute({ req, res, store }: TFakeCall, commit: TFakeCommit): void {
  return paginate(req, res, (commit.changed_files ?? []).map(renderDiff), store.maxPerPage);
}

/**
 * `POST /jobs/:id/retry`: a new job of the same name in the same pipeline, answered `pending` as
 * GitLab does; it then holds the outcome the test scripted (`retryOutcome`, else it fails again), after `runningLooks` looks at it that say `running`.
 */
export function retryRoute(
  { res, project, store }: TFakeCall,
  found: { pipeline: NonNullable<TFakeProject['pipelines']>[number]; job: TFakeJob },
): void {
  const { pipeline, job } = found;
  const outcome = job.retryOutcome ?? { status: 'failed' };
  const retried: TFakeJob = {
    ...job,
    id: store.nextJobId(),
    status: outcome.status,
    failure_reason: outcome.failure_reason ?? null,
    trace: outcome.trace ?? job.trace,
    retried: false,
    retryOutcome: undefined,
    runningLooks: outcome.runningLooks,
  };
  job.retried = true;
  pipeline.jobs = [...(pipeline.jobs ?? []), retried];
  return json(res, 201, { ...renderJob(store, project, pipeline, retried), status: 'pending', failure_reason: null });
}
