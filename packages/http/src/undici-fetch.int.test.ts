import net from 'node:net';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';
import { createKeepAliveDispatcher } from './keep-alive-dispatcher';
import { startTestServer, type TTestServer } from './test-server';
import { createUndiciFetch, type TFetch } from './undici-fetch';

let server: TTestServer;
let undiciFetch: TFetch;
let dispatcher: Dispatcher;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    switch (req.url) {
      case '/v1/chat/completions':
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
        return res.end(JSON.stringify({ model: 'm', echo: JSON.parse(req.body || 'null'), auth: req.headers.authorization ?? null }));
      case '/gzip': {
        const body = zlib.gzipSync('{"compressed":true}');
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return res.end(body);
      }
      case '/empty':
        res.writeHead(204);
        return res.end();
      case '/moved':
        res.writeHead(307, { location: '/v1/chat/completions' });
        return res.end();
      case '/slow': {
        // The client aborts first; a pending timer would keep jest's process alive after the tests.
        const timer = setTimeout(() => res.end('{}'), 2000);
        return res.on('close', () => clearTimeout(timer));
      }
      case '/events':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        return setTimeout(() => res.end('data: two\n\n'), 50);
      default:
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"error":{"message":"no such route"}}');
    }
  });
  dispatcher = createKeepAliveDispatcher({ connections: 4, timeoutMs: 5000 });
  undiciFetch = createUndiciFetch(dispatcher);
});

afterAll(async () => {
  await dispatcher.close();
  await server.close();
});

test('a POST gets a standard Response: status, headers, JSON body and url', async () => {
  const headers = new Headers({ Authorization: 'Bearer k', 'Content-Type': 'application/json' });
  const res = await undiciFetch(`${server.url}/v1/chat/completions`, { method: 'post', headers, body: JSON.stringify({ q: 1 }) });
  expect(res).toBeInstanceOf(Response);
  expect(res.status).toBe(200);
  expect(res.ok).toBe(true);
  expect(res.url).toBe(`${server.url}/v1/chat/completions`);
  expect(res.headers.get('x-request-id')).toBe('req_1');
  expect(await res.json()).toEqual({ model: 'm', echo: { q: 1 }, auth: 'Bearer k' });
  expect(server.requests.at(-1)?.method).toBe('POST');
});

test('headers given as pairs or as a record are sent, a repeated name joined', async () => {
  await undiciFetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: [['X-Tag', 'a'], ['x-tag', 'b'], ['Authorization', 'Bearer p']], body: '{}' });
  expect(server.requests.at(-1)?.headers).toMatchObject({ 'x-tag': 'a, b', authorization: 'Bearer p' });
  await undiciFetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers: { Authorization: 'Bearer r' }, body: '{}' });
  expect(server.requests.at(-1)?.headers.authorization).toBe('Bearer r');
});

test('an error status is a Response too, not a rejection', async () => {
  const res = await undiciFetch(`${server.url}/nowhere`);
  expect(res.status).toBe(404);
  expect(await res.json()).toEqual({ error: { message: 'no such route' } });
});

test('a gzip body is decompressed', async () => {
  const res = await undiciFetch(`${server.url}/gzip`);
  expect(await res.json()).toEqual({ compressed: true });
});

test('a 204 has a null body', async () => {
  const res = await undiciFetch(`${server.url}/empty`);
  expect(res.status).toBe(204);
  expect(res.body).toBeNull();
});

test('a redirect is followed unless the caller asks for it manually', async () => {
  const followed = await undiciFetch(`${server.url}/moved`, { method: 'POST', body: '{"again":true}' });
  expect(followed.status).toBe(200);
  expect(((await followed.json()) as { echo: unknown }).echo).toEqual({ again: true });
  const manual = await undiciFetch(`${server.url}/moved`, { redirect: 'manual' });
  expect(manual.status).toBe(307);
  expect(manual.headers.get('location')).toBe('/v1/chat/completions');
});

test('an abort rejects with the signal reason, as fetch does', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  const err = await undiciFetch(`${server.url}/slow`, { signal: controller.signal }).catch((e: unknown) => e);
  expect((err as Error).name).toBe('AbortError');
});

test('a refused connection is TypeError("fetch failed") with the cause, as fetch does', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
  });
  const err = await undiciFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TypeError);
  expect((err as Error).message).toBe('fetch failed');
  expect(((err as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
});

test('an event stream is passed through as a stream', async () => {
  const res = await undiciFetch(`${server.url}/events`);
  const reader = res.body!.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
  let rest = '';
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
  expect(rest).toBe('data: two\n\n');
});

test('connections are kept alive and bounded by the pool size', async () => {
  const before = server.connections();
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: 30 }, () => undiciFetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{}' }).then((r) => r.json())));
  }
  expect(server.connections() - before).toBeLessThanOrEqual(4);
});
