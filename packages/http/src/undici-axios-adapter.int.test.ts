import net from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { createKeepAliveDispatcher } from './keep-alive-dispatcher';
import { startTestServer, type TTestServer } from './test-server';
import { createUndiciAdapter } from './undici-axios-adapter';

let server: TTestServer;
let client: AxiosInstance;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const path = req.url.split('?')[0];
    switch (path) {
      case '/json':
        res.writeHead(200, { 'content-type': 'application/json', 'x-next-page': '2' });
        return res.end(JSON.stringify({ ok: true, query: req.url.split('?')[1] ?? '' }));
      case '/gzip': {
        const body = zlib.gzipSync(JSON.stringify({ text: 'x'.repeat(5000) }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
        return res.end(body);
      }
      case '/echo':
        res.writeHead(201, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ method: req.method, body: req.body, type: req.headers['content-type'] }));
      case '/missing':
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ message: '404 Project Not Found' }));
      case '/boom':
        res.writeHead(503);
        return res.end('busy');
      case '/slow':
        return setTimeout(() => res.end('late'), 1000);
      case '/drop':
        return res.socket?.destroy();
      case '/big':
        return res.end('y'.repeat(10_000));
      case '/big-chunked':
        res.write('y'.repeat(600));
        return setTimeout(() => res.end('y'.repeat(600)), 10);
      case '/moved':
        res.writeHead(302, { location: '/json?moved=1' });
        return res.end();
      case '/lines':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('one\ntwo\nthree\n');
      default:
        res.writeHead(500);
        return res.end();
    }
  });
  client = axios.create({ baseURL: server.url, timeout: 300, adapter: createUndiciAdapter(createKeepAliveDispatcher({ connections: 4, timeoutMs: 5000 })) });
});

afterAll(() => server.close());

async function failure(request: Promise<unknown>): Promise<AxiosError> {
  const err = await request.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof AxiosError)) throw new Error(`expected an AxiosError, got ${String(err)}`);
  return err;
}

test('a JSON answer is parsed, with its headers, query parameters and our headers sent', async () => {
  const res = await client.get('/json', { params: { page: 1, per_page: 100 }, headers: { 'PRIVATE-TOKEN': 'secret' } });
  expect(res.status).toBe(200);
  expect(res.statusText).toBe('OK');
  expect(res.data).toEqual({ ok: true, query: 'page=1&per_page=100' });
  expect(res.headers['x-next-page']).toBe('2');
  const seen = server.requests.at(-1)!;
  expect(seen.headers['private-token']).toBe('secret');
  expect(seen.headers['accept-encoding']).toBe('gzip, deflate, br');
});

test('a gzip-compressed answer is decompressed', async () => {
  const res = await client.get('/gzip');
  expect(res.data).toEqual({ text: 'x'.repeat(5000) });
  expect(res.headers['content-encoding']).toBeUndefined();
});

test('a JSON body is sent with its content type', async () => {
  const res = await client.post('/echo', { body: 'note' });
  expect(res.status).toBe(201);
  expect(res.data).toEqual({ method: 'POST', body: '{"body":"note"}', type: 'application/json' });
});

test('a 4xx is an ERR_BAD_REQUEST error carrying the parsed answer', async () => {
  const err = await failure(client.get('/missing'));
  expect(err.code).toBe('ERR_BAD_REQUEST');
  expect(err.response?.status).toBe(404);
  expect(err.response?.data).toEqual({ message: '404 Project Not Found' });
});

test('a 5xx is an ERR_BAD_RESPONSE error', async () => {
  const err = await failure(client.get('/boom'));
  expect(err.code).toBe('ERR_BAD_RESPONSE');
  expect(err.response?.status).toBe(503);
});

test('no answer within the timeout is ECONNABORTED, as with the Node adapter', async () => {
  const err = await failure(client.get('/slow'));
  expect(err.code).toBe('ECONNABORTED');
  expect(err.message).toBe('timeout of 300ms exceeded');
});

test('a connection closed without an answer is ECONNRESET', async () => {
  const err = await failure(client.get('/drop'));
  expect(err.code).toBe('ECONNRESET');
  expect(err.response).toBeUndefined();
});

test('a refused connection keeps its code', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
  });
  const err = await failure(client.get(`http://127.0.0.1:${port}/json`));
  expect(err.code).toBe('ECONNREFUSED');
});

test('an answer larger than maxContentLength is refused, whether its length is declared or not', async () => {
  for (const path of ['/big', '/big-chunked']) {
    const err = await failure(client.get(path, { maxContentLength: 1000 }));
    expect(err.code).toBe('ERR_BAD_RESPONSE');
    expect(err.message).toMatch(/maxContentLength size of 1000 exceeded/);
  }
  expect((await client.get('/big-chunked', { maxContentLength: 2000 })).data).toBe('y'.repeat(1200));
});

test('a stream answer is handed over unread, and dropping it unread is harmless', async () => {
  const res = await client.get<Readable>('/lines', { responseType: 'stream' });
  let text = '';
  for await (const chunk of res.data) text += String(chunk);
  expect(text).toBe('one\ntwo\nthree\n');
  const dropped = await client.get<Readable>('/big', { responseType: 'stream' });
  dropped.data.destroy();
  await new Promise((r) => setImmediate(r));
});

test('a redirect is followed by the Node adapter, which calls beforeRedirect', async () => {
  const hops: string[] = [];
  const res = await client.get('/moved', { beforeRedirect: (o: Record<string, unknown>) => void hops.push(String(o.path)) });
  expect(res.data).toEqual({ ok: true, query: 'moved=1' });
  expect(hops).toEqual(['/json?moved=1']);
});

test('with maxRedirects 0 a redirect is an error carrying the 302', async () => {
  const err = await failure(client.get('/moved', { maxRedirects: 0 }));
  expect(err.response?.status).toBe(302);
});

test('connections are kept alive and bounded by the pool size', async () => {
  const before = server.connections();
  await Promise.all(Array.from({ length: 40 }, () => client.get('/json')));
  await Promise.all(Array.from({ length: 40 }, () => client.get('/json')));
  expect(server.connections() - before).toBeLessThanOrEqual(4);
});
