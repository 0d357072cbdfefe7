import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { buildGitLabPipelineEmail, buildPlainEmail, isDovecotAvailable, startDovecot, type TDovecot } from '@cia/mail-watcher/testing';

const HAVE_DOVECOT = isDovecotAvailable();
if (!HAVE_DOVECOT) process.stderr.write('dovecot binary not found: skipping the test-email CLI tests (apt-get install dovecot-imapd)\n');
const describeImap = HAVE_DOVECOT ? describe : describe.skip;

const ROOT = path.resolve(__dirname, '../../../..');
// Each test starts the CLI in a fresh node process (tsx compiles on the way): slow on a busy machine.
jest.setTimeout(60_000);
let dovecot: TDovecot;

type TRun = { code: number | null; stdout: string; stderr: string };

function runTestEmail(env: Record<string, string>, args: string[] = []): Promise<TRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/src/main.ts', 'test-email', ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ENVIRONMENT: 'test',
        LOG_LEVEL: 'error',
        ...dovecot.env(),
        IMAP_FOLDER: 'INBOX',
        IMAP_GITLAB_EMAIL: 'gitlab@example.com',
        IMAP_FAILURE_KEYWORDS: 'failed,failure',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  if (!HAVE_DOVECOT) return;
  dovecot = await startDovecot();
  await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 1, messageId: '<a@x>' }));
  await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 2, messageId: '<b@x>', subjectStyle: 'legacy' }));
  await dovecot.append(buildGitLabPipelineEmail({ pipelineId: 3, messageId: '<c@x>', status: 'success' }));
  await dovecot.append(buildPlainEmail({ from: 'colleague@example.com', subject: 'Lunch?' }));
});

afterAll(async () => {
  await dovecot?.close();
});

describeImap('npm run cli -- test-email', () => {
  test('lists the folder, says which messages would be accepted, exits 0 and changes nothing', async () => {
    const r = await runTestEmail({});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Connected to 127.0.0.1:${dovecot.port} (no TLS, IDLE supported)`);
    expect(r.stdout).toContain('Folder "INBOX": 4 message(s); checked the newest 4');
    expect(r.stdout).toContain('ACCEPT project 42 pipeline 1');
    expect(r.stdout).toContain('ACCEPT project 42 pipeline 2');
    expect(r.stdout).toContain('skip   pipeline status is "success", not failed');
    expect(r.stdout).toContain('2 of 4 message(s) would be accepted as pipeline failures.');
    expect((await dovecot.listMessages()).every((m) => !m.flags.includes('\\Seen'))).toBe(true);
  });

  test('--json prints the report as JSON', async () => {
    const r = await runTestEmail({}, ['--json', '--limit', '2']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { total: number; wouldAccept: number; messages: unknown[] };
    expect(report).toMatchObject({ total: 4, wouldAccept: 0 });
    expect(report.messages).toHaveLength(2);
  });

  test('an unreachable host or port exits 4 naming IMAP_SERVER and IMAP_PORT', async () => {
    const port = await closedPort();
    const r = await runTestEmail({ IMAP_PORT: String(port) });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`cannot connect to 127.0.0.1:${port} (ECONNREFUSED): check IMAP_SERVER and IMAP_PORT`);
  });

  test('implicit TLS against a plaintext port exits 5 pointing at IMAP_USE_SSL', async () => {
    const r = await runTestEmail({ IMAP_USE_SSL: 'true' });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(`TLS failed with 127.0.0.1:${dovecot.port}`);
    expect(r.stderr).toContain('Check IMAP_USE_SSL');
  });

  test('a missing folder exits 6 naming IMAP_FOLDER', async () => {
    const folder = await runTestEmail({ IMAP_FOLDER: 'NoSuchFolder' });
    expect(folder.code).toBe(6);
    expect(folder.stderr).toContain('IMAP folder "NoSuchFolder" does not exist on');
    expect(folder.stderr).toContain('check IMAP_FOLDER');
  });

  test('missing credentials exit 2 naming the setting', async () => {
    const creds = await runTestEmail({ IMAP_USER: '' });
    expect(creds.code).toBe(2);
    expect(creds.stderr).toContain('IMAP_USER: required');
  });

  // Last: after a failed login Dovecot delays the next logins from the same address for a few seconds.
  test('a wrong password exits 3 naming the credentials settings', async () => {
    const r = await runTestEmail({ IMAP_APP_PASSWORD: 'wrong' });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('IMAP login failed for "watcher@example.test"');
    expect(r.stderr).toContain('IMAP_APP_PASSWORD');
    expect(r.stderr).not.toContain('wrong');
  });
});
