import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort, waitForServer } from '@cia/logger';

export type TDovecot = {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Implicit-TLS port and the self-signed certificate (PEM) when started with `tls: true`. */
  tlsPort?: number;
  certificate?: string;
  /** The private directory holding config, runtime files, logs and the maildir. */
  dir: string;
  /** Env settings that point the watcher (or `cli test-email`) at this server. */
  env(): Record<string, string>;
  append(raw: string | Buffer, options?: { folder?: string; flags?: string[] }): Promise<number | undefined>;
  /** Deletes a folder; created again later it gets a new UIDVALIDITY. */
  deleteFolder(folder: string): Promise<void>;
  /** Drops a message straight into the INBOX maildir, as a delivery while the server is down would. */
  deliverOffline(raw: string | Buffer): void;
  /** UIDs and flags of the messages in a folder, read over IMAP. */
  listMessages(folder?: string): Promise<{ uid: number; flags: string[] }[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the server and removes every file it made. */
  close(): Promise<void>;
};

const DOVECOT_BIN = process.env.DOVECOT_BIN ?? 'dovecot';

/** Whether the dovecot binary is installed (tests skip with a message when it is not). */
export function isDovecotAvailable(): boolean {
  const r = spawnSync(DOVECOT_BIN, ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

export function dovecotVersion(): string {
  return spawnSync(DOVECOT_BIN, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

function lookupIds(name: string): { uid: number; gid: number } | undefined {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) return undefined;
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Runs as root with the Debian package's unprivileged users (Dovecot refuses mail owned by root);
 * as anyone else, every service runs as the current user.
 */
function resolveAccounts(): { loginUser: string; internalUser: string; mail: { uid: number; gid: number } } {
  const me = os.userInfo();
  if (me.uid !== 0) return { loginUser: me.username, internalUser: me.username, mail: { uid: me.uid, gid: me.gid } };
  const dovecot = lookupIds('dovecot');
  if (!dovecot || !lookupIds('dovenull'))
    throw new Error('running as root needs the dovecot and dovenull users (Debian package dovecot-core)');
  return { loginUser: 'dovenull', internalUser: 'dovecot', mail: dovecot };
}

function major(version: string): [number, number] {
  const [a, b] = version.split('.').map((n) => Number.parseInt(n, 10));
  return [a ?? 2, b ?? 3];
}

/** A throwaway self-signed certificate for 127.0.0.1 / localhost. */
function makeCertificate(dir: string): void {
  const r = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`openssl could not make a test certificate: ${r.stderr}`);
  fs.chmodSync(path.join(dir, 'key.pem'), 0o600);
}

function renderConfig(dir: string, port: number, tlsPort: number, accounts: ReturnType<typeof resolveAccounts>): string {
  const [maj, min] = major(dovecotVersion());
  // 2.4 renamed the cleartext switch; 2.3 still has disable_plaintext_auth.
  const cleartext = maj > 2 || (maj === 2 && min >= 4) ? 'auth_allow_cleartext = yes' : 'disable_plaintext_auth = no';
  return `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
${tlsPort > 0 ? `ssl = yes\nssl_cert = <${dir}/cert.pem\nssl_key = <${dir}/key.pem` : 'ssl = no'}
${cleartext}
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = ${accounts.loginUser}
default_internal_user = ${accounts.internalUser}
first_valid_uid = ${accounts.mail.uid}
last_valid_uid = 0
first_valid_gid = ${accounts.mail.gid}
mail_location = maildir:${dir}/mail/%u
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${accounts.mail.uid} gid=${accounts.mail.gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
`;
}

/** Whether an IMAP server on the port sends its greeting. */
function greets(port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('data', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const logTail = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '');
  await waitForServer(child, () => greets(port), {
    name: `dovecot on 127.0.0.1:${port}`,
    timeoutMs: 10_000,
    intervalMs: 50,
    exitDetail: logTail,
  });
}

/**
 * A private Dovecot for tests and drills: own config, runtime dirs and maildir under a temp dir,
 * one passwd-file user, plaintext IMAP on a free loopback port. `restart()` keeps the mail.
 */
export async function startDovecot(options: { user?: string; password?: string; tls?: boolean } = {}): Promise<TDovecot> {
  const user = options.user ?? 'watcher@example.test';
  const password = options.password ?? 'watcher-pass';
  const accounts = resolveAccounts();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cia-dovecot-'));
  // The login and mail processes run as other users and must reach their files.
  fs.chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail']) fs.mkdirSync(path.join(dir, sub), { mode: 0o755 });
  fs.chownSync(path.join(dir, 'mail'), accounts.mail.uid, accounts.mail.gid);
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : 0;
  if (options.tls) makeCertificate(dir);
  const configFile = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(configFile, renderConfig(dir, port, tlsPort, accounts), { mode: 0o644 });
  const logFile = path.join(dir, 'dovecot.log');

  let child: ChildProcess | undefined;
  const start = async () => {
    if (child && child.exitCode === null) return;
    // Its own process group, so stop() reaches the imap processes as well as the master.
    const c = spawn(DOVECOT_BIN, ['-F', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    c.stderr?.on('data', (d: Buffer) => fs.appendFileSync(logFile, d));
    child = c;
    // A test process that dies must not leave its Dovecot behind.
    const reap = () => {
      try {
        if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', reap);
    c.once('exit', () => process.removeListener('exit', reap));
    await waitForPort(port, c, logFile);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    const signalGroup = (sig: NodeJS.Signals) => {
      try {
        if (c.pid) process.kill(-c.pid, sig);
      } catch {
        c.kill(sig);
      }
    };
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  const withClient = async <T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    ...(options.tls ? { tlsPort, certificate: fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8') } : {}),
    dir,
    env: () => ({ IMAP_SERVER: '127.0.0.1', IMAP_PORT: String(port), IMAP_USE_SSL: 'false', IMAP_USER: user, IMAP_APP_PASSWORD: password }),
    append: (raw, opts = {}) =>
      withClient(async (client) => {
        const folder = opts.folder ?? 'INBOX';
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        const res = await client.append(folder, raw, opts.flags ?? []);
        return res ? res.uid : undefined;
      }),
    deleteFolder: (folder) =>
      withClient(async (client) => {
        await client.mailboxDelete(folder);
      }),
    deliverOffline: (raw) => {
      const maildir = path.join(dir, 'mail', user);
      for (const sub of ['', 'cur', 'new', 'tmp']) {
        const p = path.join(maildir, sub);
        if (!fs.existsSync(p)) {
          fs.mkdirSync(p, { mode: 0o700 });
          fs.chownSync(p, accounts.mail.uid, accounts.mail.gid);
        }
      }
      const data = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
      const name = `${Date.now()}.M${Math.floor(Math.random() * 1e6)}P${process.pid}.cia,S=${data.length}`;
      const tmp = path.join(maildir, 'tmp', name);
      fs.writeFileSync(tmp, data, { mode: 0o600 });
      fs.chownSync(tmp, accounts.mail.uid, accounts.mail.gid);
      fs.renameSync(tmp, path.join(maildir, 'new', name));
    },
    listMessages: (folder = 'INBOX') =>
      withClient(async (client) => {
        const exists = (await client.list()).some((m) => m.path === folder);
        if (!exists) return [];
        const lock = await client.getMailboxLock(folder, { readOnly: true });
        try {
          const out: { uid: number; flags: string[] }[] = [];
          if (client.mailbox && client.mailbox.exists > 0) {
            for await (const m of client.fetch('1:*', { uid: true, flags: true })) out.push({ uid: m.uid, flags: [...(m.flags ?? [])] });
          }
          return out;
        } finally {
          lock.release();
        }
      }),
    start,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    close: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
