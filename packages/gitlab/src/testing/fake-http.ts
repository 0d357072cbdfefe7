import type http from 'node:http';
import type { TFakeRequest } from './fake-gitlab.types';

/** HTTP plumbing of the fake GitLab: JSON answers, GitLab's 404 body and pagination headers. */

export function matches(pattern: string | RegExp, value: string): boolean {
  return typeof pattern === 'string' ? pattern === value : pattern.test(value);
}

export function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function notFound(res: http.ServerResponse, what = '404 Not found'): void {
  json(res, 404, { message: what });
}

export function paginate(req: TFakeRequest, res: http.ServerResponse, items: unknown[], maxPerPage: number): void {
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

export function readBody(req: http.IncomingMessage): Promise<unknown> {
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
