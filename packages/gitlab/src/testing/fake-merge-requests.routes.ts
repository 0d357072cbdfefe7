import type { TFakeMergeRequest, TFakeNote, TFakeProject } from './fake-gitlab.types';
import { json, notFound, paginate } from './fake-http';
import type { TFakeCall } from './fake-route';
import type { TFakeStore } from './fake-store';

export function renderMr(store: TFakeStore, project: TFakeProject, mr: TFakeMergeRequest) {
  return {
    id: project.id * 100000 + mr.iid,
    iid: mr.iid,
    project_id: project.id,
    title: mr.title ?? `MR ${mr.iid}`,
    description: '',
    state: mr.state ?? 'opened',
    source_branch: mr.source_branch ?? 'feature',
    target_branch: mr.target_branch ?? project.default_branch ?? 'main',
    web_url: `${store.webBase()}/${project.path_with_namespace}/-/merge_requests/${mr.iid}`,
    author: { username: mr.author ?? 'dev', name: mr.author ?? 'Dev' },
  };
}

/** `/projects/:id/merge_requests/:iid` and its notes (list, create, edit). */
export function mergeRequestsRoute(call: TFakeCall): void {
  const { req, res, project, rest, store } = call;
  if (rest[1] === undefined) return notFound(res);
  const mr = project.mergeRequests?.find((m) => m.iid === Number(rest[1]));
  if (!mr) return notFound(res);
  if (rest.length === 2 && req.method === 'GET') return json(res, 200, renderMr(store, project, mr));
  if (rest[2] === 'notes') return notesRoute(call, mr);
  return notFound(res);
}

function notesRoute({ req, res, project, rest, store }: TFakeCall, mr: TFakeMergeRequest): void {
  const key = `${project.id}:${mr.iid}`;
  const list = store.notes.get(key) ?? [];
  const render = (n: TFakeNote) => ({
    ...n,
    system: n.system ?? false,
    author: { id: 1, username: n.author ?? 'ci-analyst-bot' },
    noteable_type: 'MergeRequest',
    noteable_iid: mr.iid,
  });
  const text = String((req.body as Record<string, unknown> | undefined)?.body ?? '');
  if (rest.length === 3 && req.method === 'GET') return paginate(req, res, list.map(render), store.maxPerPage);
  if (rest.length === 3 && req.method === 'POST') {
    if (text === '') return json(res, 400, { message: '400 Bad request - body is missing' });
    const now = new Date().toISOString();
    const note: TFakeNote = { id: store.nextNoteId(), body: text, created_at: now, updated_at: now };
    store.notes.set(key, [...list, note]);
    return json(res, 201, render(note));
  }
  if (rest.length === 4 && req.method === 'PUT') {
    const note = list.find((n) => n.id === Number(rest[3]));
    if (!note) return notFound(res, '404 Note Not Found');
    note.body = text;
    note.updated_at = new Date().toISOString();
    return json(res, 200, render(note));
  }
  return notFound(res);
}
