import type { TFakeCommit } from './fake-gitlab.types';
import { commitDiffRoute, compareRoute } from './fake-history.routes';
import { json, notFound, paginate } from './fake-http';
import { renderMr } from './fake-merge-requests.routes';
import type { TFakeCall } from './fake-route';

/** `/projects/:id/repository/files/:path/raw?ref=`, `/repository/commits/:sha` with its merge requests, comments and diff, and `/repository/compare`. */
export function repositoryRoute(call: TFakeCall): void {
  const { req, res, project, rest } = call;
  if (rest[1] === 'files' && rest[2] !== undefined && rest[3] === 'raw') {
    const ref = typeof req.query.ref === 'string' ? req.query.ref : (project.default_branch ?? 'main');
    const content = project.files?.[ref]?.[rest[2]];
    if (content === undefined) return notFound(res, '404 File Not Found');
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(content);
    return;
  }
  if (rest[1] === 'commits' && rest[2] !== undefined) return commitsRoute(call, rest[2]);
  if (rest[1] === 'compare' && rest.length === 2) return compareRoute(call);
  return notFound(res);
}

function commitsRoute(call: TFakeCall, sha: string): void {
  const { req, res, project, rest, store } = call;
  const commit = project.commits?.find((c) => c.id === sha || c.id.startsWith(sha));
  if (!commit) return notFound(res, '404 Commit Not Found');
  if (rest.length === 3) {
    return json(res, 200, {
      id: commit.id,
      short_id: commit.id.slice(0, 8),
      title: commit.title ?? 'A commit',
      message: commit.message ?? commit.title ?? 'A commit',
      author_name: commit.author_name ?? 'Dev',
      author_email: commit.author_email ?? 'dev@example.com',
      web_url: `${store.webBase()}/${project.path_with_namespace}/-/commit/${commit.id}`,
    });
  }
  if (rest[3] === 'merge_requests' && rest.length === 4) {
    const mrs = (project.mergeRequests ?? []).filter((mr) => mr.shas?.includes(commit.id)).map((mr) => renderMr(store, project, mr));
    return paginate(req, res, mrs, store.maxPerPage);
  }
  if (rest[3] === 'comments' && rest.length === 4) return commentsRoute(call, commit);
  if (rest[3] === 'diff' && rest.length === 4) return commitDiffRoute(call, commit);
  return notFound(res);
}

function commentsRoute({ req, res, project, store }: TFakeCall, commit: TFakeCommit): void {
  const key = `${project.id}:${commit.id}`;
  const list = store.commitComments.get(key) ?? [];
  if (req.method === 'GET')
    return paginate(
      req,
      res,
      list.map((c) => ({ ...c, author: { id: 1, username: c.author ?? 'ci-analyst-bot' } })),
      store.maxPerPage,
    );
  if (req.method === 'POST') {
    const note = String((req.body as Record<string, unknown> | undefined)?.note ?? '');
    if (note === '') return json(res, 400, { message: '400 Bad request - note is missing' });
    const comment = { note, author: 'ci-analyst-bot', created_at: new Date().toISOString() };
    store.commitComments.set(key, [...list, comment]);
    return json(res, 201, { ...comment, author: { id: 1, username: comment.author }, path: null, line: null, line_type: null });
  }
  return notFound(res);
}
