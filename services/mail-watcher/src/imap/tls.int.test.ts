import { checkMailbox, ImapCheckError } from '../check-mailbox';
import { isDovecotAvailable, startDovecot, type TDovecot } from '../testing';
import type { TImapSettings } from './imap-client';

const HAVE_DOVECOT = isDovecotAvailable();
if (!HAVE_DOVECOT) process.stderr.write('dovecot binary not found: skipping the IMAP TLS tests (apt-get install dovecot-imapd)\n');
const describeImap = HAVE_DOVECOT ? describe : describe.skip;

const RULES = { senders: [], failureKeywords: ['failed'] };
let dovecot: TDovecot;

function settings(over: Partial<TImapSettings>): TImapSettings {
  return { host: '127.0.0.1', port: dovecot.port, secure: false, user: dovecot.user, password: dovecot.password, folder: 'INBOX', ...over };
}

beforeAll(async () => {
  if (HAVE_DOVECOT) dovecot = await startDovecot({ tls: true });
});

afterAll(async () => {
  await dovecot?.close();
});

describeImap('IMAP over TLS (Dovecot with a self-signed certificate)', () => {
  test('implicit TLS (IMAP_USE_SSL=true) connects encrypted when the certificate is trusted', async () => {
    const r = await checkMailbox(settings({ port: dovecot.tlsPort, secure: true, tls: { ca: dovecot.certificate } }), RULES);
    expect(r).toMatchObject({ encrypted: true, total: 0 });
  });

  test('a plain port is upgraded with STARTTLS when the server offers it (IMAP_USE_SSL=false)', async () => {
    const r = await checkMailbox(settings({ tls: { ca: dovecot.certificate } }), RULES);
    expect(r.encrypted).toBe(true);
  });

  test('an untrusted certificate is a TLS error that says how to trust it', async () => {
    const err = await checkMailbox(settings({ port: dovecot.tlsPort, secure: true }), RULES).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImapCheckError);
    expect(err).toMatchObject({
      problem: 'tls',
      message: expect.stringContaining(`the TLS certificate of 127.0.0.1:${dovecot.tlsPort} is not trusted`),
    });
    expect((err as Error).message).toContain('NODE_EXTRA_CA_CERTS');
  });
});
