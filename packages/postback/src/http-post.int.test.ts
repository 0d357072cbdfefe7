import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskSecrets } from '@cia/log-intel';
import { NotifyError, postJson } from './http-post';
import { startFakeReceiver, type TFakeReceiver } from './testing';

let receiver: TFakeReceiver;
let elsewhere: TFakeReceiver;

beforeAll(async () => {
  receiver = await startFakeReceiver();
  elsewhere = await startFakeReceiver();
});
afterAll(async () => {
  await receiver.close();
  await elsewhere.close();
});

async function failure(promise: Promise<unknown>): Promise<NotifyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof NotifyError)) throw new Error(`expected a NotifyError, got ${String(err)}`);
  return err;
}

test('posts the body byte for byte with its headers', async () => {
  const body = maskSecrets(JSON.stringify({ text: 'pipeline #1 failed', é: '✓' }));
  await postJson('webhook', receiver.url, body, { 'X-Signature': 'sig' }, 5000);
  const seen = receiver.requests.at(-1)!;
  expect(seen).toMatchObject({ method: 'POST', path: '/hook', body });
  expect(seen.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'ci-analyst', 'x-signature': 'sig' });
});

test('a 429 is transient and carries Retry-After; a 404 is final; neither error names the URL', async () => {
  receiver.fail(429, 1, { 'retry-after': '7' });
  const limited = await failure(postJson('slack', receiver.url, maskSecrets('{}'), {}, 5000));
  expect(limited).toMatchObject({ status: 429, transient: true, retryAfterMs: 7000 });
  receiver.fail(404);
  const gone = await failure(postJson('slack', receiver.url, maskSecrets('{}'), {}, 5000));
  expect(gone).toMatchObject({ status: 404, transient: false });
  for (const err of [limited, gone]) expect(err.message).not.toContain('127.0.0.1');
});

test('a redirect is not followed: nothing reaches its target and the error is final', async () => {
  receiver.fail(307, 1, { location: elsewhere.url });
  const err = await failure(postJson('webhook', receiver.url, maskSecrets('{"signed":true}'), {}, 5000));
  expect(err).toMatchObject({ status: 307, transient: false });
  expect(err.message).not.toContain(elsewhere.url);
  expect(elsewhere.requests).toEqual([]);
});

test('a refused connection and an endpoint that never answers are transient network errors', async () => {
  const silent = http.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  try {
    const timedOut = await failure(postJson('webhook', `http://127.0.0.1:${port}/hook`, maskSecrets('{}'), {}, 200));
    expect(timedOut).toMatchObject({ status: null, transient: true });
    expect(timedOut.message).toBe('webhook notification failed: network (ECONNABORTED)');
  } finally {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  }
  const refused = await failure(postJson('webhook', `http://127.0.0.1:${port}/hook`, maskSecrets('{}'), {}, 5000));
  expect(refused).toMatchObject({ status: null, transient: true });
  expect(refused.message).toBe('webhook notification failed: network (ECONNREFUSED)');
});
