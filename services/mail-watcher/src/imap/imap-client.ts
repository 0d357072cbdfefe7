import type { ConnectionOptions } from 'node:tls';
import { ConfigError, type TConfig } from '@cia/config';
import { ImapFlow } from 'imapflow';

export type TImapSettings = {
  host: string;
  port: number;
  /** Implicit TLS; when false imapflow upgrades with STARTTLS if the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  folder: string;
  tls?: ConnectionOptions;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
};

/** IMAP settings from the config; missing credentials are a configuration error. */
export function imapSettingsFromConfig(config: TConfig): TImapSettings {
  const missing = (['IMAP_USER', 'IMAP_APP_PASSWORD'] as const).filter((k) => !config[k]);
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid configuration: ${missing.map((k) => `${k}: required for email monitoring (TRIGGER_MODE=email/both, IMAP_ENABLED=true) and test-email`).join('; ')}`,
    );
  }
  return {
    host: config.IMAP_SERVER,
    port: config.IMAP_PORT,
    secure: config.IMAP_USE_SSL,
    user: config.IMAP_USER ?? '',
    password: config.IMAP_APP_PASSWORD ?? '',
    folder: config.IMAP_FOLDER,
  };
}

export function createImapClient(settings: TImapSettings, options: { disableAutoIdle?: boolean; maxIdleTimeMs?: number } = {}): ImapFlow {
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    tls: settings.tls,
    connectionTimeout: settings.connectionTimeoutMs ?? 15_000,
    greetingTimeout: settings.greetingTimeoutMs ?? 10_000,
    disableAutoIdle: options.disableAutoIdle ?? false,
    // Servers end IDLE after ~30 min and NATs forget quiet connections; restart IDLE well within
    // imapflow's 5-minute socket inactivity timeout.
    maxIdleTime: options.maxIdleTimeMs ?? 4 * 60_000,
    autoIdleDelay: 300,
  });
  // Without a listener an 'error' event would crash the process; the session loop reports it.
  client.on('error', () => undefined);
  return client;
}

export type TImapProblem = 'auth' | 'host' | 'tls' | 'timeout' | 'folder' | 'other';

const TLS_CODES =
  /^(ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT)/;

/** Turns an imapflow / socket error into one sentence naming the setting to check. */
export function describeImapError(
  err: unknown,
  s: Pick<TImapSettings, 'host' | 'port' | 'secure' | 'user' | 'folder'>,
): { problem: TImapProblem; message: string } {
  const e = (err ?? {}) as {
    code?: string;
    message?: string;
    authenticationFailed?: boolean;
    serverResponseCode?: string;
    responseText?: string;
  };
  const where = `${s.host}:${s.port}`;
  const text = `${e.message ?? String(err)}${e.responseText ? ` (${e.responseText})` : ''}`;
  if (e.authenticationFailed || e.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return {
      problem: 'auth',
      message: `IMAP login failed for "${s.user}" at ${where}: check IMAP_USER and IMAP_APP_PASSWORD (Gmail and Outlook need an app password)`,
    };
  }
  if (e.serverResponseCode === 'NONEXISTENT' || /mailbox doesn't exist|no such mailbox|nonexistent/i.test(text)) {
    return { problem: 'folder', message: `IMAP folder "${s.folder}" does not exist on ${where}: check IMAP_FOLDER` };
  }
  const code = e.code ?? '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { problem: 'host', message: `IMAP server "${s.host}" not found (DNS): check IMAP_SERVER` };
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || (code === 'ECONNRESET' && !s.secure)) {
    return { problem: 'host', message: `cannot connect to ${where} (${code}): check IMAP_SERVER and IMAP_PORT` };
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || /certificate/i.test(text)) {
    return {
      problem: 'tls',
      message: `the TLS certificate of ${where} is not trusted (${text}): fix the server's certificate, or add its CA with NODE_EXTRA_CA_CERTS=/path/to/ca.pem`,
    };
  }
  if (TLS_CODES.test(code) || /ssl|tls|wrong version number|packet length/i.test(text)) {
    // OpenSSL messages carry a long location suffix; its reason field is what a person needs.
    const reason = /SSL routines:[^:]*:([^:]+)/.exec(text)?.[1] ?? text;
    return {
      problem: 'tls',
      message: `TLS failed with ${where} (${reason}). Check IMAP_USE_SSL (true = implicit TLS, usually port 993; false = plain/STARTTLS, usually port 143)`,
    };
  }
  if (/timeout/i.test(code) || /timed? ?out/i.test(text)) {
    return {
      problem: 'timeout',
      message: `no IMAP answer from ${where} in time (${text})${s.secure ? '' : '; if this port expects implicit TLS, set IMAP_USE_SSL=true'}`,
    };
  }
  return { problem: 'other', message: `IMAP error with ${where}: ${text}` };
}
