import type http from 'node:http';
import type { TFakeJob, TFakePipeline, TFakeProject, TFakeTrace } from './fake-gitlab.types';
import { json, notFound } from './fake-http';
import { retryRoute } from './fake-history.routes';
import type { TFakeCall } from './fake-route';
import type { TFakeStore } from './fake-store';

const TRACE_CHUNK = 64 * 1024;

export function renderJob(store: TFakeStore, project: TFakeProject, p: TFakePipeline, j: TFakeJob) {
  return {
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
    web_url: `${store.webBase()}/${project.path_with_namespace}/-/jobs/${j.id}`,
    pipeline: {
      id: p.id,
      project_id: project.id,
      ref: p.ref ?? project.default_branch ?? 'main',
      sha: p.sha ?? 'a'.repeat(40),
      status: p.status ?? 'failed',
    },
    artifacts: j.artifacts ?? [],
    tag_list: [],
  };
}

/** `/projects/:id/jobs/:job_id`, its `trace` (streamed, or redirected), files of its `artifacts` and its `retry`. */
export async function jobsRoute(call: TFakeCall): Promise<void> {
  const { req, res, project, rest, store } = call;
  if (rest[1] === undefined) return notFound(res);
  const found = store.findJob(project, Number(rest[1]));
  if (!found) return notFound(res);
  if (rest[2] === 'retry' && rest.length === 3 && req.method === 'POST') return retryRoute(call, found);
  if (rest.length === 2) {
    const job = found.job;
    if (job.runningLooks !== undefined && job.runningLooks > 0) {
      job.runningLooks -= 1;
      return json(res, 200, { ...renderJob(store, project, found.pipeline, job), status: 'running', failure_reason: null });
    }
    return json(res, 200, renderJob(store, project, found.pipeline, job));
  }
  if (rest[2] === 'trace' && rest.length === 3) {
    const trace = found.job.trace;
    if (trace === undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('');
      return;
    }
    if (typeof trace === 'object' && 'redirectTo' in trace) {
      res.writeHead(302, { location: trace.redirectTo });
      res.end();
      return;
    }
    return writeTrace(res, trace);
  }
  if (rest[2] === 'artifacts' && rest.length > 3) {
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

async function writeTrace(res: http.ServerResponse, trace: TFakeTrace): Promise<void> {
  if (typeof trace === 'string' || Buffer.isBuffer(trace)) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(trace);
    return;
  }
  const length = Buffer.byteLength(trace.head ?? '') + trace.bytes + Buffer.byteLength(trace.tail ?? '');
  res.writeHead(200, {
    'content-type': 'text/plain; charset=utf-8',
    ...(Number.isFinite(length) ? { 'content-length': String(length) } : {}),
  });
  const write = (chunk: string | Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (res.destroyed) return reject(new Error('client went away'));
      if (res.write(chunk)) return resolve();
      const onDrain = () => {
        res.off('close', onClose);
        resolve();
      };
      const onClose = () => {
        res.off('drain', onDrain);
        reject(new Error('client went away'));
      };
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
