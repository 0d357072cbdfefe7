import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small GitLab REST double on 127.0.0.1 that answers like the documented API (doc/api/jobs.md,
 * pipelines.md, repository_files.md, notes.md, commits.md): pagination headers, 404 bodies,
 * `Retry later` 429s. Tests reach it through the real client via its base URL.
 */

/**
 * A trace as text, or generated on the fly (a 50 MB log without 50 MB in the test's memory):
 * `bytes` of `repeat` between `head` and `tail`, with its Content-Length announced as GitLab does;
 * `bytes: Infinity` is a log that never ends (no Content-Length); `chunkDelayMs` paces it like a
 * job that is still running.
 */
export type TFakeTrace = string | Buffer | { head?: string; repeat: string; bytes: number; tail?: string; chunkDelayMs?: number };

export type TFakeJob = {
  id: number;
  name: string;
  stage?: string;
  status?: string;
  failure_reason?: string | null;
  allow_failure?: boolean;
  retried?: boolean;
  duration?: number | null;
  artifacts?: Array<{ file_type: string; size: number; filename: string; file_format?: string | null }>;
  /** `redirectTo`: answered with a 302 there, as an instance keeping traces in object storage may. */
  trace?: TFakeTrace | { redirectTo: string };
  /** Files inside the artifacts archive, by path; `redirectTo` answers 302 like object storage does. */
  artifactFiles?: Record<string, string | { redirectTo: string }>;
};

export type TFakeBridge = {
  id: number;
  name: string;
  stage?: string;
  status?: string;
  allow_failure?: boolean;
  /** `omitProjectId`: the answer leaves `project_id` out, as older GitLab versions (and the docs' example) do. */
  downstream?: { projectId: number; pipelineId: number; omitProjectId?: boolean };
};

export type TFakeTestCase = { status: string; name: string; classname?: string; file?: string | null; execution_time?: number; system_output?: string | null; stack_trace?: string | null };
export type TFakeTestReport = { suites: Array<{ name: string; cases: TFakeTestCase[] }> };

export type TFakePipeline = {
  id: number;
  iid?: number;
  ref?: string;
  sha?: string;
  status?: string;
  source?: string;
  /** A tag pipeline (`ref` is then the tag's name). */
  tag?: boolean;
  jobs?: TFakeJob[];
  bridges?: TFakeBridge[];
  /** Absent: 404 like an instance without the report; null: same. */
  testReport?: TFakeTestReport | null;
};

export type TFakeCommit = { id: string; title?: string; message?: string; author_name?: string; author_email?: string };
export type TFakeMergeRequest = { iid: number; title?: string; state?: string; source_branch?: string; target_branch?: string; author?: string; shas?: string[] };
export type TFakeNote = { id: number; body: string; system?: boolean; author?: string; created_at: string; updated_at: string };
export type TFakeCommitComment = { note: string; author?: string; created_at: string };

export type TFakeProject = {
  id: number;
  path_with_namespace: string;
  name?: string;
  default_branch?: string;
  ci_config_path?: string | null;
  languages?: Record<string, number>;
  /** ref (sha or branch) → path → content */
  files?: Record<string, Record<string, string>>;
  commits?: TFakeCommit[];
  mergeRequests?: TFakeMergeRequest[];
  pipelines?: TFakePipeline[];
};

/** An injected answer: the next `times` matching requests get it instead of the real one. */
export type TFakeFailure = {
  method?: string;
  /** Matched against the API path (after `/api/v4`, `%2F` kept encoded), e.g. `/projects/1/pipelines/5/jobs`. */
  path: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
  /** Destroy the socket instead of answering (a network error). */
  hangUp?: boolean;
  /** Never answer (the client times out); the socket is closed with the server. */
  stall?: boolean;
};

export type TFakeRequest = { method: string; path: string; query: Record<string, string | string[]>; token: string | undefined; body: unknown };

export type TFakeGitLabOptions = {
  /** Prefix of a self-managed instance under a sub-path, e.g. `/gitlab`. */
  basePath?: string;
  /** When set, PRIVATE-TOKEN must match or the answer is 401. */
  token?: string;
  /** Largest page the server hands out (GitLab caps at 100); small values force pagination. */
  maxPerPage?: number;
  projects?: TFakeProject[];
  /** Delay before each answer, so concurrent requests overlap. */
  latencyMs?: number;
};

export type TFakeGitLab = {
  /** What to give the client as its base URL (instance URL, sub-path included). */
  baseUrl: string;
  requests: TFakeRequest[];
  notes: Map<string, TFakeNote[]>;
  commitComments: Map<string, TFakeCommitComment[]>;
  addProject(project: TFakeProject): void;
  addPipeline(projectId: number, pipeline: TFakePipeline): void;
  fail(failure: TFakeFailure): void;
  /** Requests whose API path matches, optionally of one method. */
  countRequests(path: string | RegExp, method?: string): number;
  /** Most requests in flight at once since start. */
  peakInFlight(): number;
  close(): Promise<void>;
};

const TRACE_CHUNK = 64 * 1024;

function matches(pattern: string | RegExp, value: string): boolean {
  return typeof pattern === 'string' ? pattern === value : pattern.test(value);
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function withoutProjectId<T extends { project_id?: number }>(pipeline: T, omit = false): T {
  if (!omit) return pipeline;
  const { project_id: _omitted, ...rest } = pipeline;
  return rest as T;
}

function notFound(res: http.ServerResponse, what = '404 Not found'): void {
  json(res, 404, { message: what });
}

async function writeTrace(res: http.ServerResponse, trace: TFakeTrace): Promise<void> {
  if (typeof trace === 'string' || Buffer.isBuffer(trace)) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(trace);
    return;
  }
  const length = Buffer.byteLength(trace.head ?? '') + trace.bytes + Buffer.byteLength(trace.tail ?? '');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', ...(Number.isFinite(length) ? { 'content-length': String(length) } : {}) });
  const write = (chunk: string | Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (res.destroyed) return reject(new Error('client went away'));
      if (res.write(chunk)) return resolve();
      const onDrain = () => { res.off('close', onClose); resolve(); };
      const onClose = () => { res.off('drain', onDrain); reject(new Error('client went away')); };
      res.once('drain', onDrain);
      res.once('close', onClose);
    });
  try {
    if (trace.head) await write(trace.head);
    const unit = Buffer.from(trace.repeat);
    const perChunk = Math.max(1, Math.floor(TRACE_CHUNK / unit.length));
    const block = Buffer.concat(Array.from({ length: perChunk }, () => unit));
    let left = trace.bytes;
    while (left > 0) {
      const piece = left >= block.length ? block : block.subarray(0, left);
      await write(piece);
      left -= piece.length;
      if (trace.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, trace.chunkDelayMs));
    }
    if (trace.tail) await write(trace.tail);
    res.end();
  } catch {
    res.destroy();
  }
}

function paginate(req: TFakeRequest, res: http.ServerResponse, items: unknown[], maxPerPage: number): void {
  const perPage = Math.min(maxPerPage, Math.max(1, Number(req.query.per_page ?? 20) || 20));
  const page = Math.max(1, Number(req.query.page ?? 1) || 1);
  const totalPages = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  json(res, 200, slice, {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-total': String(items.length),
    'x-total-pages': String(totalPages),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
  });
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(Object.fromEntries(new URLSearchParams(text)));
      }
    });
  });
}

export async function createFakeGitLab(options: TFakeGitLabOptions = {}): Promise<TFakeGitLab> {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const maxPerPage = options.maxPerPage ?? 100;
  const projects = new Map<number, TFakeProject>();
  const failures: TFakeFailure[] = [];
  const requests: TFakeRequest[] = [];
  const notes = new Map<string, TFakeNote[]>();
  const commitComments = new Map<string, TFakeCommitComment[]>();
  let nextNoteId = 1000;
  let origin = '';
  let inFlight = 0;
  let peak = 0;

  const webBase = () => `${origin}${basePath}`;
  const findProject = (key: string): TFakeProject | undefined => {
    if (/^\d+$/.test(key)) return projects.get(Number(key));
    return [...projects.values()].find((p) => p.path_with_namespace === key);
  };
  // Benchmarks hold thousands of pipelines: look ids up in an index, rebuilt when the list grows.
  type TIndex = { size: number; pipelines: Map<number, TFakePipeline>; jobs: Map<number, { pipeline: TFakePipeline; job: TFakeJob }> };
  const indexes = new WeakMap<TFakePipeline[], TIndex>();
  const indexOf = (project: TFakeProject): TIndex => {
    const list = project.pipelines ?? [];
    let index = indexes.get(list);
    if (!index || index.size !== list.length) {
      index = { size: list.length, pipelines: new Map(), jobs: new Map() };
      for (const pipeline of list) {
        if (!index.pipelines.has(pipeline.id)) index.pipelines.set(pipeline.id, pipeline);
        for (const job of pipeline.jobs ?? []) if (!index.jobs.has(job.id)) index.jobs.set(job.id, { pipeline, job });
      }
      indexes.set(list, index);
    }
    return index;
  };
  const findPipeline = (projectId: number, pipelineId: number): TFakePipeline | undefined => {
    const project = projects.get(projectId);
    if (!project) return undefined;
    // Tests may edit a pipeline after adding it: a miss falls back to a scan.
    return indexOf(project).pipelines.get(pipelineId) ?? project.pipelines?.find((p) => p.id === pipelineId);
  };

  const renderPipeline = (project: TFakeProject, p: TFakePipeline) => ({
    id: p.id,
    iid: p.iid ?? p.id,
    project_id: project.id,
    ref: p.ref ?? project.default_branch ?? 'main',
    sha: p.sha ?? 'a'.repeat(40),
    status: p.status ?? 'failed',
    source: p.source ?? 'push',
    tag: p.tag ?? false,
    web_url: `${webBase()}/${project.path_with_namespace}/-/pipelines/${p.id}`,
    created_at: '2026-11-20T10:00:00.000Z',
    updated_at: '2026-11-20T10:05:00.000Z',
  });
  const renderJob = (project: TFakeProject, p: TFakePipeline, j: TFakeJob) => ({
    id: j.id,
    name: j.name,
    stage: j.stage ?? 'test',
    status: j.status ?? 'success',
    failure_reason: j.failure_reason ?? (j.status === 'failed' ? 'script_failure' : undefined),
    allow_failure: j.allow_failure ?? false,
    retried: j.retried ?? false,
    duration: j.duration ?? 12.5,
    started_at: '2026-11-20T10:01:00.000Z',
    finished_at: '2026-11-20T10:02:00.000Z',
    web_url: `${webBase()}/${project.path_with_namespace}/-/jobs/${j.id}`,
    pipeline: { id: p.id, project_id: project.id, ref: p.ref ?? project.default_branch ?? 'main', sha: p.sha ?? 'a'.repeat(40), status: p.status ?? 'failed' },
    artifacts: j.artifacts ?? [],
    tag_list: [],
  });
  const findJob = (project: TFakeProject, jobId: number): { pipeline: TFakePipeline; job: TFakeJob } | undefined => {
    const indexed = indexOf(project).jobs.get(jobId);
    if (indexed) return indexed;
    for (const pipeline of project.pipelines ?? []) {
      const job = pipeline.jobs?.find((j) => j.id === jobId);
      if (job) return { pipeline, job };
    }
    return undefined;
  };
  const renderMr = (project: TFakeProject, mr: TFakeMergeRequest) => ({
    id: project.id * 100000 + mr.iid,
    iid: mr.iid,
    project_id: project.id,
    title: mr.title ?? `MR ${mr.iid}`,
    description: '',
    state: mr.state ?? 'opened',
    source_branch: mr.source_branch ?? 'feature',
    target_branch: mr.target_branch ?? project.default_branch ?? 'main',
    web_url: `${webBase()}/${project.path_with_namespace}/-/merge_requests/${mr.iid}`,
    author: { username: mr.author ?? 'dev', name: mr.author ?? 'Dev' },
  });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const prefix = `${basePath}/api/v4`;
    const rawPath = url.pathname;
    const query: Record<string, string | string[]> = {};
    for (const key of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(key);
      query[key] = all.length > 1 || key.endsWith('[]') ? all : (all[0] ?? '');
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const token = req.headers['private-token'] as string | undefined;
    const body = method === 'GET' ? undefined : await readBody(req);
    const apiPath = rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) || '/' : rawPath;
    requests.push({ method, path: apiPath, query, token, body });

    if (!rawPath.startsWith(`${prefix}/`)) return notFound(res);

    const failure = failures.find((f) => (!f.method || f.method.toUpperCase() === method) && matches(f.path, apiPath));
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) failures.splice(failures.indexOf(failure), 1);
      if (failure.hangUp) {
        req.socket.destroy();
        return;
      }
      if (failure.stall) return;
      if (typeof failure.body === 'string') {
        res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers });
        res.end(failure.body);
        return;
      }
      return json(res, failure.status, failure.body ?? { message: `${failure.status}` }, failure.headers);
    }

    if (options.token !== undefined && token !== options.token) return json(res, 401, { message: '401 Unauthorized' });

    const seg = apiPath.split('/').filter((s) => s.length > 0).map((s) => decodeURIComponent(s));
    const fake: TFakeRequest = { method, path: apiPath, query, token, body };

    if (method === 'GET' && seg.length === 1 && seg[0] === 'user') return json(res, 200, { id: 1, username: 'ci-analyst-bot', name: 'CI Analyst' });
    if (seg[0] !== 'projects' || seg[1] === undefined) return notFound(res);
    const project = findProject(seg[1]);
    if (!project) return notFound(res, '404 Project Not Found');
    const rest = seg.slice(2);
    const at = (i: number) => rest[i];

    if (rest.length === 0 && method === 'GET') {
      return json(res, 200, {
        id: project.id,
        name: project.name ?? project.path_with_namespace.split('/').pop(),
        path_with_namespace: project.path_with_namespace,
        web_url: `${webBase()}/${project.path_with_namespace}`,
        default_branch: project.default_branch ?? 'main',
        ci_config_path: project.ci_config_path ?? null,
        description: null,
      });
    }
    if (at(0) === 'languages' && rest.length === 1) return json(res, 200, project.languages ?? {});

    if (at(0) === 'pipelines') {
      if (rest.length === 1) {
        const list = (project.pipelines ?? [])
          .filter((p) => !query.ref || (p.ref ?? project.default_branch ?? 'main') === query.ref)
          .filter((p) => !query.status || (p.status ?? 'failed') === query.status)
          .filter((p) => !query.sha || p.sha === query.sha)
          .sort((a, b) => (query.sort === 'asc' ? a.id - b.id : b.id - a.id))
          .map((p) => renderPipeline(project, p));
        return paginate(fake, res, list, maxPerPage);
      }
      const pipeline = findPipeline(project.id, Number(at(1)));
      if (!pipeline) return notFound(res);
      if (rest.length === 2) return json(res, 200, renderPipeline(project, pipeline));
      if (at(2) === 'jobs' && rest.length === 3) {
        const includeRetried = query.include_retried === 'true';
        const scope = ([] as string[]).concat(query['scope[]'] ?? query.scope ?? []);
        const jobs = (pipeline.jobs ?? [])
          .filter((j) => includeRetried || !j.retried)
          .filter((j) => scope.length === 0 || scope.includes(j.status ?? 'success'))
          .sort((a, b) => b.id - a.id)
          .map((j) => renderJob(project, pipeline, j));
        return paginate(fake, res, jobs, maxPerPage);
      }
      if (at(2) === 'bridges' && rest.length === 3) {
        const bridges = (pipeline.bridges ?? []).map((b) => {
          const downstreamProject = b.downstream ? projects.get(b.downstream.projectId) : undefined;
          const downstream = b.downstream && downstreamProject ? findPipeline(b.downstream.projectId, b.downstream.pipelineId) : undefined;
          return {
            id: b.id,
            name: b.name,
            stage: b.stage ?? 'test',
            status: b.status ?? downstream?.status ?? 'success',
            allow_failure: b.allow_failure ?? false,
            web_url: `${webBase()}/${project.path_with_namespace}/-/jobs/${b.id}`,
            pipeline: renderPipeline(project, pipeline),
            downstream_pipeline: downstream && downstreamProject ? withoutProjectId(renderPipeline(downstreamProject, downstream), b.downstream?.omitProjectId) : null,
          };
        });
        return paginate(fake, res, bridges, maxPerPage);
      }
      if (at(2) === 'test_report' && rest.length === 3) {
        if (!pipeline.testReport) return notFound(res);
        const suites = pipeline.testReport.suites.map((s) => {
          const count = (st: string) => s.cases.filter((c) => c.status === st).length;
          return {
            name: s.name,
            total_time: 1,
            total_count: s.cases.length,
            success_count: count('success'),
            failed_count: count('failed'),
            skipped_count: count('skipped'),
            error_count: count('error'),
            test_cases: s.cases.map((c) => ({ classname: null, file: null, execution_time: 0.1, system_output: null, stack_trace: null, ...c })),
          };
        });
        const sum = (k: 'total_count' | 'success_count' | 'failed_count' | 'skipped_count' | 'error_count') => suites.reduce((n, s) => n + s[k], 0);
        return json(res, 200, {
          total_time: suites.length,
          total_count: sum('total_count'),
          success_count: sum('success_count'),
          failed_count: sum('failed_count'),
          skipped_count: sum('skipped_count'),
          error_count: sum('error_count'),
          test_suites: suites,
        });
      }
      return notFound(res);
    }

    if (at(0) === 'jobs' && at(1) !== undefined) {
      const found = findJob(project, Number(at(1)));
      if (!found) return notFound(res);
      if (rest.length === 2) return json(res, 200, renderJob(project, found.pipeline, found.job));
      if (at(2) === 'trace' && rest.length === 3) {
        if (found.job.trace === undefined) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('');
          return;
        }
        const trace = found.job.trace;
        if (typeof trace === 'object' && 'redirectTo' in trace) {
          res.writeHead(302, { location: trace.redirectTo });
          res.end();
          return;
        }
        return writeTrace(res, trace);
      }
      if (at(2) === 'artifacts' && rest.length > 3) {
        const file = found.job.artifactFiles?.[rest.slice(3).join('/')];
        if (file === undefined) return notFound(res, '404 Not Found');
        if (typeof file !== 'string') {
          res.writeHead(302, { location: file.redirectTo });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(file);
        return;
      }
      return notFound(res);
    }

    if (at(0) === 'repository' && at(1) === 'files' && at(2) !== undefined && at(3) === 'raw') {
      const ref = typeof query.ref === 'string' ? query.ref : (project.default_branch ?? 'main');
      const content = project.files?.[ref]?.[at(2) as string];
      if (content === undefined) return notFound(res, '404 File Not Found');
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(content);
      return;
    }

    if (at(0) === 'repository' && at(1) === 'commits' && at(2) !== undefined) {
      const sha = at(2) as string;
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
          web_url: `${webBase()}/${project.path_with_namespace}/-/commit/${commit.id}`,
        });
      }
      if (at(3) === 'merge_requests' && rest.length === 4) {
        const mrs = (project.mergeRequests ?? []).filter((mr) => mr.shas?.includes(commit.id)).map((mr) => renderMr(project, mr));
        return paginate(fake, res, mrs, maxPerPage);
      }
      if (at(3) === 'comments' && rest.length === 4) {
        const key = `${project.id}:${commit.id}`;
        const list = commitComments.get(key) ?? [];
        if (method === 'GET') return paginate(fake, res, list.map((c) => ({ ...c, author: { id: 1, username: c.author ?? 'ci-analyst-bot' } })), maxPerPage);
        if (method === 'POST') {
          const note = String((body as Record<string, unknown> | undefined)?.note ?? '');
          if (note === '') return json(res, 400, { message: '400 Bad request - note is missing' });
          const comment = { note, author: 'ci-analyst-bot', created_at: new Date().toISOString() };
          commitComments.set(key, [...list, comment]);
          return json(res, 201, { ...comment, author: { id: 1, username: comment.author }, path: null, line: null, line_type: null });
        }
      }
      return notFound(res);
    }

    if (at(0) === 'merge_requests' && at(1) !== undefined) {
      const mr = project.mergeRequests?.find((m) => m.iid === Number(at(1)));
      if (!mr) return notFound(res);
      if (rest.length === 2 && method === 'GET') return json(res, 200, renderMr(project, mr));
      if (at(2) === 'notes') {
        const key = `${project.id}:${mr.iid}`;
        const list = notes.get(key) ?? [];
        const render = (n: TFakeNote) => ({ ...n, system: n.system ?? false, author: { id: 1, username: n.author ?? 'ci-analyst-bot' }, noteable_type: 'MergeRequest', noteable_iid: mr.iid });
        const text = String((body as Record<string, unknown> | undefined)?.body ?? '');
        if (rest.length === 3 && method === 'GET') return paginate(fake, res, list.map(render), maxPerPage);
        if (rest.length === 3 && method === 'POST') {
          if (text === '') return json(res, 400, { message: '400 Bad request - body is missing' });
          const now = new Date().toISOString();
          const note: TFakeNote = { id: nextNoteId++, body: text, created_at: now, updated_at: now };
          notes.set(key, [...list, note]);
          return json(res, 201, render(note));
        }
        if (rest.length === 4 && method === 'PUT') {
          const note = list.find((n) => n.id === Number(at(3)));
          if (!note) return notFound(res, '404 Note Not Found');
          note.body = text;
          note.updated_at = new Date().toISOString();
          return json(res, 200, render(note));
        }
      }
      return notFound(res);
    }
    return notFound(res);
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
    notes,
    commitComments,
    addProject: (project) => {
      projects.set(project.id, { pipelines: [], ...project });
    },
    addPipeline: (projectId, pipeline) => {
      const project = projects.get(projectId);
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
