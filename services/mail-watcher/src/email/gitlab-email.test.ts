import fs from 'node:fs';
import path from 'node:path';
import { buildGitLabPipelineEmail, buildPlainEmail } from '../testing/gitlab-email.fixture';
import { classifyGitLabEmail, type TMailRules } from './gitlab-email';
import { MalformedMessageError, readMessage } from './read-message';
import { matchesSender } from './sender-match';

const RULES: TMailRules = { senders: ['gitlab@example.com', 'mg.gitlab.com'], failureKeywords: ['failed', 'failure'] };

async function classify(raw: string | Buffer, rules = RULES) {
  return classifyGitLabEmail(await readMessage(Buffer.from(raw)), rules);
}

test('a current-format failure email is accepted with project, pipeline and failed jobs with their log tails', async () => {
  const raw = buildGitLabPipelineEmail({
    projectId: 7,
    projectPath: 'acme/api',
    pipelineId: 900,
    ref: 'feature/x',
    sha: 'a'.repeat(40),
    jobs: [
      { id: 11, name: 'lint', stage: 'test', log: ['$ eslint .', 'error  no-unused-vars'] },
      { id: 12, name: 'build image', stage: 'build' },
    ],
  });
  const c = await classify(raw);
  expect(c.kind).toBe('accept');
  if (c.kind !== 'accept') return;
  expect(c.project).toMatchObject({ id: 7, path: 'acme/api', name: 'shop', web_url: 'https://gitlab.example.com/acme/api' });
  expect(c.pipeline).toMatchObject({
    id: 900,
    ref: 'feature/x',
    sha: 'a'.repeat(40),
    url: 'https://gitlab.example.com/acme/api/-/pipelines/900',
    status: 'failed',
  });
  expect(c.failedJobs).toEqual([
    {
      id: 11,
      name: 'lint',
      stage: 'test',
      status: 'failed',
      web_url: 'https://gitlab.example.com/acme/api/-/jobs/11',
      log_tail: '$ eslint .\nerror  no-unused-vars',
    },
    { id: 12, name: 'build image', stage: 'build', status: 'failed', web_url: 'https://gitlab.example.com/acme/api/-/jobs/12' },
  ]);
});

test('a legacy quoted-printable email takes the project id from List-Id and the trace from the HTML body', async () => {
  const raw = fs.readFileSync(path.join(__dirname, 'fixtures/legacy-pipeline-failed.eml'));
  const c = await classify(raw);
  expect(c.kind).toBe('accept');
  if (c.kind !== 'accept') return;
  expect(c.project).toMatchObject({ id: 11167699, path: 'widgets-group/widgets', name: 'Widgets' });
  expect(c.pipeline).toMatchObject({
    id: 168317253,
    ref: 'master',
    sha: '9fc87111005e8903785db40819af66b8f85b8b96',
    commit_author: 'José Example',
  });
  expect(c.failedJobs).toHaveLength(1);
  expect(c.failedJobs[0]).toMatchObject({
    id: 645799805,
    name: 'build-fuzzer',
    stage: 'build',
    web_url: 'https://gitlab.com/widgets-group/widgets/-/jobs/645799805',
  });
  expect(c.failedJobs[0]?.log_tail?.split('\n')).toEqual([
    '==11111==ERROR: LeakSanitizer: detected memory leaks',
    '',
    'SUMMARY: AddressSanitizer: 2359296 byte(s) leaked in 9 allocation(s).',
    'make: *** [/builds/tests/Makefile.include:650: check-qtest-x86_64] Error 1',
    'ERROR: Job failed: exit code 1',
  ]);
});

test('without X-GitLab headers the subject gives pipeline, ref and status (legacy subject)', async () => {
  const raw = buildGitLabPipelineEmail({
    subjectStyle: 'legacy',
    pipelineId: 77,
    omitHeaders: ['X-GitLab-Pipeline-Id', 'X-GitLab-Pipeline-Status', 'X-GitLab-Pipeline-Ref'],
  });
  const c = await classify(raw);
  expect(c).toMatchObject({ kind: 'accept', facts: { pipelineId: 77, ref: 'main', projectId: 42 } });
});

test.each(['B', 'Q'] as const)(
  'RFC 2047 encoded headers (%s) are decoded: project name, pipeline ref and subject',
  async (headerEncoding) => {
    const ref = 'feature/straße-ünïcode-✓-with-a-name-long-enough-to-fold-over-several-encoded-words';
    const raw = buildGitLabPipelineEmail({ projectName: 'Café Ünïcode ✓', ref, headerEncoding });
    expect(raw).toContain(`X-GitLab-Pipeline-Ref: =?UTF-8?${headerEncoding}?`);
    const mail = await readMessage(Buffer.from(raw));
    expect(mail.headers).toMatchObject({
      'x-gitlab-project': 'Café Ünïcode ✓',
      'x-gitlab-pipeline-ref': ref,
      'x-gitlab-project-path': 'acme/shop',
    });
    expect(mail.subject).toBe(`Café Ünïcode ✓ | Failed pipeline for ${ref} | ${mail.subject.split(' | ').pop()}`);
    const c = classifyGitLabEmail(mail, RULES);
    expect(c).toMatchObject({ kind: 'accept', facts: { ref }, project: { name: 'Café Ünïcode ✓' }, pipeline: { ref } });
  },
);

test('a merge request pipeline email (X-GitLab-Pipeline-Ref: refs/merge-requests/7/head) has the source branch as ref and the MR iid', async () => {
  const c = await classify(buildGitLabPipelineEmail({ ref: 'feature/login', mergeRequestIid: 7 }));
  expect(c).toMatchObject({ kind: 'accept', facts: { ref: 'feature/login' }, pipeline: { ref: 'feature/login', merge_request_iid: 7 } });
});

test('without the status header the failure keywords decide, and they are configurable', async () => {
  const raw = buildGitLabPipelineEmail({ omitHeaders: ['X-GitLab-Pipeline-Status'] });
  expect((await classify(raw)).kind).toBe('accept');
  const c = await classify(raw, { ...RULES, failureKeywords: ['broken'] });
  expect(c).toMatchObject({ kind: 'skip', reason: expect.stringContaining('failure keywords (broken)') });
});

test('a successful pipeline is skipped with its status as the reason', async () => {
  const c = await classify(buildGitLabPipelineEmail({ status: 'success' }));
  expect(c).toMatchObject({
    kind: 'skip',
    reason: 'pipeline status is "success", not failed',
    recognized: true,
    facts: { pipelineId: 1001, projectId: 42 },
  });
});

test('a sender outside IMAP_GITLAB_EMAIL is skipped', async () => {
  const c = await classify(buildGitLabPipelineEmail({ from: 'Mallory <gitlab@evil.test>' }));
  expect(c).toMatchObject({ kind: 'skip', reason: 'sender gitlab@evil.test is not in IMAP_GITLAB_EMAIL', recognized: false });
});

test('an unrelated message from the GitLab address is skipped as not a pipeline notification', async () => {
  const c = await classify(buildPlainEmail({ from: 'gitlab@example.com', subject: 'acme/api | New issue: login failed on Safari' }));
  expect(c).toMatchObject({ kind: 'skip', reason: expect.stringContaining('not a GitLab pipeline notification'), recognized: false });
});

test('a failure email that names only the project path is skipped with a clear reason', async () => {
  const c = await classify(buildGitLabPipelineEmail({ projectPath: 'acme/web', omitHeaders: ['X-GitLab-Project-Id', 'List-Id'] }));
  expect(c).toMatchObject({
    kind: 'skip',
    reason: 'project id unknown: only the path "acme/web" is given (no X-GitLab-Project-Id or List-Id header)',
    facts: { projectPath: 'acme/web' },
  });
});

test('a message without any header is malformed', async () => {
  await expect(readMessage(Buffer.from('\u0000\u0001 garbage without headers'))).rejects.toBeInstanceOf(MalformedMessageError);
});

test('a message without Message-ID gets a content hash as its id', async () => {
  const raw = buildPlainEmail({ from: 'a@b.test', subject: 'x' }).replace(/^Message-ID:.*\r\n/m, '');
  const a = await readMessage(Buffer.from(raw));
  const b = await readMessage(Buffer.from(raw));
  expect(a.hasMessageId).toBe(false);
  expect(a.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(b.messageId).toBe(a.messageId);
});

test('sender entries match exact addresses or whole domains and their subdomains', () => {
  expect(matchesSender(['gitlab@mg.gitlab.com'], ['gitlab.com'])).toBe(true);
  expect(matchesSender(['gitlab@mg.gitlab.com'], ['@gitlab.com'])).toBe(true);
  expect(matchesSender(['gitlab@notgitlab.com'], ['gitlab.com'])).toBe(false);
  expect(matchesSender(['GitLab@Example.com'], ['gitlab@example.com'])).toBe(true);
  expect(matchesSender(['other@example.com'], ['gitlab@example.com'])).toBe(false);
  expect(matchesSender(['anyone@x.test'], [])).toBe(true);
});
