import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { analyzePipeline, createProviderPool } from '@cia/ai';
import { buildSampleInput, SAMPLE_LOGS, startFakeAnthropic, startFakeOpenAi, type TFakeProviderServer } from '@cia/ai/testing';
import { testConfig } from '@cia/config/testing';
import { createGitLabClient, GitLabError } from '@cia/gitlab';
import { createFakeGitLab, type TFakeGitLab } from '@cia/gitlab/testing';

/**
 * HTTP_PROXY, HTTPS_PROXY and NO_PROXY reach both outgoing clients: the GitLab client (axios) and
 * the AI SDKs (their documented undici proxy dispatcher), through a real proxy on 127.0.0.1.
 */
type TProxy = { url: string; seen: string[]; close(): Promise<void> };

/** A forward proxy: absolute-URI requests for http targets, CONNECT tunnels for the rest. */
async function startProxy(): Promise<TProxy> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const upstream = http.request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    sockets.add(client);
    const [host = '', port] = (req.url ?? '').split(':');
    if (host !== '127.0.0.1') return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).on('error', () => client.destroy());
      client.pipe(upstream).on('error', () => upstream.destroy());
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const TOKEN = 'glpat-proxy-test-token-123456';
const LIMITS = { maxBytes: 64 * 1024, maxLines: 0 };
let proxy: TProxy;
let gitlab: TFakeGitLab;
let storage: http.Server;
let storagePort: number;
let openai: TFakeProviderServer;
let anthropic: TFakeProviderServer;

beforeAll(async () => {
  proxy = await startProxy();
  gitlab = await createFakeGitLab({ token: TOKEN, projects: [{ id: 1, path_with_namespace: 'acme/web' }] });
  // Object storage, reached as `localhost`: another host than GitLab's 127.0.0.1.
  storage = http.createServer((_req, res) => res.end('<testsuite name="unit" tests="1" failures="0"></testsuite>\n'));
  await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
  storagePort = (storage.address() as AddressInfo).port;
  [openai, anthropic] = await Promise.all([startFakeOpenAi(), startFakeAnthropic()]);
});
afterAll(async () => {
  await Promise.all([proxy.close(), gitlab.close(), openai.close(), anthropic.close()]);
  storage.closeAllConnections();
  await new Promise((resolve) => storage.close(resolve));
});
beforeEach(() => {
  proxy.seen.length = 0;
});

describe('the GitLab client', () => {
  const client = (proxyEnv: Record<string, string>, extra: { redirectHosts?: string[] } = {}) =>
    createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, retries: 0, timeoutMs: 5000, proxy: proxyEnv, ...extra });

  it('sends API requests through HTTP_PROXY, the token reaching GitLab', async () => {
    const project = await client({ HTTP_PROXY: proxy.url }).getProject(1);
    expect(project.path_with_namespace).toBe('acme/web');
    expect(proxy.seen).toEqual([`GET ${gitlab.baseUrl}/api/v4/projects/1`]);
    expect(gitlab.requests.at(-1)?.token).toBe(TOKEN);
  });

  it('reaches NO_PROXY hosts, and every host without proxy settings, directly', async () => {
    await client({ HTTP_PROXY: proxy.url, NO_PROXY: 'gitlab.example.com, 127.0.0.1' }).getProject(1);
    // Settings come from @cia/config alone: a variable it did not hand over is not read behind its back.
    process.env.http_proxy = proxy.url;
    try {
      await client({}).getProject(1);
    } finally {
      delete process.env.http_proxy;
    }
    expect(proxy.seen).toEqual([]);
  });

  it('through the proxy, follows a redirect to a listed host and refuses any other', async () => {
    const listed = `localhost:${storagePort}`;
    gitlab.addPipeline(1, {
      id: 10,
      jobs: [
        {
          id: 11,
          name: 'unit',
          status: 'failed',
          artifactFiles: { 'junit.xml': { redirectTo: `http://${listed}/bucket/junit.xml` } },
          trace: { redirectTo: `http://${listed}/evil.log` },
        },
      ],
    });
    const file = await client({ HTTP_PROXY: proxy.url }, { redirectHosts: [listed] }).readJobArtifactFile(1, 11, 'junit.xml', LIMITS);
    expect(file?.text).toContain('<testsuite');
    expect(proxy.seen).toEqual([
      `GET ${gitlab.baseUrl}/api/v4/projects/1/jobs/11/artifacts/junit.xml`,
      `GET http://${listed}/bucket/junit.xml`,
    ]);

    proxy.seen.length = 0;
    const refused = await client({ HTTP_PROXY: proxy.url })
      .readJobTrace(1, 11, LIMITS)
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(GitLabError);
    expect((refused as GitLabError).code).toBe('redirect_refused');
    expect(proxy.seen).toEqual([`GET ${gitlab.baseUrl}/api/v4/projects/1/jobs/11/trace`]);
  });

  it('tunnels to an https GitLab through HTTPS_PROXY with CONNECT', async () => {
    const api = createGitLabClient({
      baseUrl: 'https://gitlab.invalid',
      token: TOKEN,
      retries: 0,
      timeoutMs: 5000,
      proxy: { HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: proxy.url },
    });
    await expect(api.getProject(1)).rejects.toBeInstanceOf(GitLabError);
    expect(proxy.seen).toEqual(['CONNECT gitlab.invalid:443']);
  });
});

describe('the AI SDKs', () => {
  const input = buildSampleInput([{ id: 701, name: 'build', stage: 'build', log: SAMPLE_LOGS.typescriptBuild }]);
  const settings = (overrides: Record<string, string>) =>
    testConfig({ ...openai.env, ...anthropic.env, AI_RULES_FIRST: 'false', AI_MAX_RETRIES: '0', ...overrides });

  it.each(['openai', 'anthropic'] as const)('%s: requests go through HTTP_PROXY', async (name) => {
    const s = settings({ DEFAULT_AI_PROVIDER: name, HTTP_PROXY: proxy.url });
    const outcome = await analyzePipeline(input, { settings: s, providers: createProviderPool(s) });
    expect(outcome.provider).toBe(name);
    const fake = name === 'openai' ? openai : anthropic;
    expect(proxy.seen).toEqual([`CONNECT ${new URL(fake.url).host}`]);
  });

  it('NO_PROXY hosts are reached directly', async () => {
    const s = settings({ DEFAULT_AI_PROVIDER: 'openai', HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
    const outcome = await analyzePipeline(input, { settings: s, providers: createProviderPool(s) });
    expect(outcome.provider).toBe('openai');
    expect(proxy.seen).toEqual([]);
  });
});
