import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TReceivedRequest = { method: string; path: string; headers: http.IncomingHttpHeaders; body: string };

export type TFakeReceiver = {
  url: string;
  requests: TReceivedRequest[];
  /** The next `times` requests get this status (and headers) instead of 200. */
  fail(status: number, times?: number, headers?: Record<string, string>): void;
  close(): Promise<void>;
};

/** A Slack incoming webhook or generic webhook double on 127.0.0.1: records raw bodies, answers `ok`. */
export async function startFakeReceiver(): Promise<TFakeReceiver> {
  const requests: TReceivedRequest[] = [];
  const failures: { status: number; times: number; headers: Record<string, string> }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const failure = failures[0];
      if (failure) {
        if (--failure.times <= 0) failures.shift();
        res.writeHead(failure.status, { 'content-type': 'text/plain', ...failure.headers });
        res.end(failure.status === 429 ? 'rate_limited' : 'error');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    fail: (status, times = 1, headers = {}) => {
      failures.push({ status, times, headers });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
