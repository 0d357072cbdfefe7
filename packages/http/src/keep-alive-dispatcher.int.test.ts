import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { createKeepAliveDispatcher } from './keep-alive-dispatcher';
import { startTestServer, type TTestServer } from './test-server';
import { createUndiciFetch } from './undici-fetch';

let target: TTestServer;
let proxy: http.Server;
let proxyUrl: string;
const tunnels: string[] = [];
/** Tunnel sockets (no longer the HTTP server's once upgraded) and dispatchers, closed after the tests. */
const tunnelSockets: net.Socket[] = [];
const dispatchers: Dispatcher[] = [];
const dispatcher = (options: Parameters<typeof createKeepAliveDispatcher>[0]) => {
  const d = createKeepAliveDispatcher(options);
  dispatchers.push(d);
  return d;
};

beforeAll(async () => {
  target = await startTestServer((_req, res) => res.end('hello'));
  // A forward proxy that only tunnels (CONNECT), as corporate proxies do.
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnelSockets.push(client, upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all(dispatchers.map((d) => d.close()));
  for (const socket of tunnelSockets) socket.destroy();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await target.close();
});

test('with HTTP_PROXY set, requests go through the proxy', async () => {
  tunnels.length = 0;
  const viaProxy = createUndiciFetch(dispatcher({ connections: 2, timeoutMs: 5000, proxy: { HTTP_PROXY: proxyUrl } }));
  const res = await viaProxy(`${target.url}/x`);
  expect(await res.text()).toBe('hello');
  expect(tunnels).toEqual([new URL(target.url).host]);
});

test('hosts in NO_PROXY, and every host without a proxy setting, are reached directly', async () => {
  tunnels.length = 0;
  const bypass = createUndiciFetch(dispatcher({ connections: 2, timeoutMs: 5000, proxy: { HTTP_PROXY: proxyUrl, NO_PROXY: 'example.org,127.0.0.1' } }));
  expect(await (await bypass(`${target.url}/x`)).text()).toBe('hello');
  const direct = createUndiciFetch(dispatcher({ connections: 2, timeoutMs: 5000 }));
  expect(await (await direct(`${target.url}/x`)).text()).toBe('hello');
  expect(tunnels).toEqual([]);
});
