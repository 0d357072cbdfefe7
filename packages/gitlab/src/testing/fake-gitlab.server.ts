import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TFakeFailure, TFakeGitLab, TFakeGitLabOptions, TFakeRequest } from './fake-gitlab.types';
import { json, matches, notFound, readBody } from './fake-http';
import { jobsRoute } from './fake-jobs.routes';
import { mergeRequestsRoute } from './fake-merge-requests.routes';
import { pipelinesRoute } from './fake-pipelines.routes';
import { projectsRoute } from './fake-projects.routes';
import { repositoryRoute } from './fake-repository.routes';
import type { TFakeRoute } from './fake-route';
import { createFakeStore } from './fake-store';

/**
 * A small GitLab REST double on 127.0.0.1 that answers like the documented API (doc/api/jobs.md,
 * pipelines.md, repository_files.md, notes.md, commits.md): pagination headers, 404 bodies,
 * `Retry later` 429s. Tests reach it through the real client via its base URL. This file records
 * requests, injects failures and hands each `/projects/:id/<area>` call to that area's route.
 */

/** By the first path segment after `/projects/:id` (none: the project itself). */
const ROUTES = new Map<string, TFakeRoute>([
  ['', projectsRoute],
  ['languages', projectsRoute],
  ['pipelines', pipelinesRoute],
  ['jobs', jobsRoute],
  ['repository', repositoryRoute],
  ['merge_requests', mergeRequestsRoute],
]);

function parseQuery(url: URL): TFakeRequest['query'] {
  const query: TFakeRequest['query'] = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    query[key] = all.length > 1 || key.endsWith('[]') ? all : (all[0] ?? '');
  }
  return query;
}

/** Answers with an injected failure, if one matches; true when it did. */
function answerFailure(failures: TFakeFailure[], req: http.IncomingMessage, res: http.ServerResponse, call: TFakeRequest): boolean {
  const failure = failures.find((f) => (!f.method || f.method.toUpperCase() === call.method) && matches(f.path, call.path));
  if (!failure) return false;
  failure.times = (failure.times ?? 1) - 1;
  if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
  if (failure.hangUp) {
    req.socket.destroy();
  } else if (failure.stall) {
    // Never answered: the socket is closed with the server.
  } else if (typeof failure.body === 'string') {
    res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers });
    res.end(failure.body);
  } else {
    json(res, failure.status, failure.body ?? { message: `${failure.status}` }, failure.headers);
  }
  return true;
}

export async function createFakeGitLab(options: TFakeGitLabOptions = {}): Promise<TFakeGitLab> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const failures: TFakeFailure[] = [];
  const requests: TFakeRequest[] = [];
  let origin = '';
  let inFlight = 0;
  let peak = 0;
  const store = createFakeStore({ maxPerPage: options.maxPerPage ?? 100, webBase: () => `${origin}${basePath}` });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const prefix = `${basePath}/api/v4`;
    const rawPath = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const token = req.headers['private-token'] as string | undefined;
    const body = method === 'GET' ? undefined : await readBody(req);
    const apiPath = rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) || '/' : rawPath;
    const call: TFakeRequest = { method, path: apiPath, query: parseQuery(url), token, body };
    requests.push(call);

    if (!rawPath.startsWith(`${prefix}/`)) return notFound(res);
    if (answerFailure(failures, req, res, call)) return;
    if (options.token !== undefined && token !== options.token) return json(res, 401, { message: '401 Unauthorized' });

    const seg = apiPath
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => decodeURIComponent(s));
    if (method === 'GET' && seg.length === 1 && seg[0] === 'user')
      return json(res, 200, { id: 1, username: 'ci-analyst-bot', name: 'CI Analyst' });
    if (seg[0] !== 'projects' || seg[1] === undefined) return notFound(res);
    const project = store.findProject(seg[1]);
    if (!project) return notFound(res, '404 Project Not Found');
    const rest = seg.slice(2);
    const route = ROUTES.get(rest[0] ?? '');
    if (!route) return notFound(res);
    return route({ req: call, res, project, rest, store });
  };

  const server = http.createServer((req, res) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    res.once('close', () => inFlight--);
    const latency = options.latencyMs ?? 0;
    const start = latency > 0 ? new Promise((r) => setTimeout(r, latency)) : Promise.resolve();
    start
      .then(() => handle(req, res))
      .catch((err: Error) => {
        if (!res.headersSent) json(res, 500, { message: `fake gitlab: ${err.message}` });
        else res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fakeGitLab: TFakeGitLab = {
    baseUrl: `${origin}${basePath}`,
    requests,
    notes: store.notes,
    commitComments: store.commitComments,
    addProject: (project) => {
      store.projects.set(project.id, { pipelines: [], ...project });
    },
    addPipeline: (projectId, pipeline) => {
      const project = store.projects.get(projectId);
      if (!project) throw new Error(`fake gitlab: no project ${projectId}`);
      project.pipelines = [...(project.pipelines ?? []), pipeline];
    },
    fail: (failure) => {
      failures.push({ times: 1, ...failure });
    },
    peakInFlight: () => peak,
    countRequests: (path, method) => requests.filter((r) => matches(path, r.path) && (!method || r.method === method.toUpperCase())).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  for (const project of options.projects ?? []) fakeGitLab.addProject(project);
  return fakeGitLab;
}
