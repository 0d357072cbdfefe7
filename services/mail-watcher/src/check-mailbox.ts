import { classifyGitLabEmail, type TMailRules } from './email/gitlab-email';
import { MalformedMessageError, readMessage } from './email/read-message';
import { createImapClient, describeImapError, type TImapProblem, type TImapSettings } from './imap/imap-client';

export type TCheckedMessage = {
  uid: number;
  subject: string;
  from: string;
  verdict: 'accept' | 'skip';
  reason?: string;
  project_id?: number;
  pipeline_id?: number;
};

export type TMailboxCheck = {
  server: string;
  folder: string;
  encrypted: boolean;
  idle: boolean;
  total: number;
  messages: TCheckedMessage[];
  wouldAccept: number;
};

export class ImapCheckError extends Error {
  constructor(
    readonly problem: TImapProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ImapCheckError';
  }
}

/**
 * `cli test-email`: connects and logs in, opens the folder read-only, and classifies the newest
 * `limit` messages exactly as the watcher would, without recording or changing anything.
 */
export async function checkMailbox(settings: TImapSettings, rules: TMailRules, options: { limit?: number } = {}): Promise<TMailboxCheck> {
  const limit = options.limit ?? 50;
  const client = createImapClient(settings, { disableAutoIdle: true });
  const raws: { uid: number; source: Buffer }[] = [];
  let total = 0;
  let encrypted = false;
  let idle = false;
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(settings.folder, { readOnly: true });
    total = mailbox.exists;
    encrypted = client.secureConnection;
    idle = client.capabilities.has('IDLE');
    if (total > 0 && limit > 0) {
      for await (const m of client.fetch(`${Math.max(1, total - limit + 1)}:*`, { uid: true, source: true })) {
        if (m.source) raws.push({ uid: m.uid, source: m.source });
      }
    }
  } catch (err) {
    const d = describeImapError(err, settings);
    throw new ImapCheckError(d.problem, d.message);
  } finally {
    if (client.usable) await client.logout().catch(() => client.close());
    else client.close();
  }
  const messages: TCheckedMessage[] = [];
  for (const { uid, source } of raws) {
    try {
      const mail = await readMessage(source);
      const c = classifyGitLabEmail(mail, rules);
      messages.push({
        uid,
        subject: mail.subject,
        from: mail.from.join(', '),
        verdict: c.kind,
        ...(c.kind === 'skip' ? { reason: c.reason } : {}),
        ...(c.facts.projectId !== undefined ? { project_id: c.facts.projectId } : {}),
        ...(c.facts.pipelineId !== undefined ? { pipeline_id: c.facts.pipelineId } : {}),
      });
    } catch (err) {
      if (!(err instanceof MalformedMessageError)) throw err;
      messages.push({ uid, subject: '', from: '', verdict: 'skip', reason: `malformed message: ${err.message}` });
    }
  }
  return {
    server: `${settings.host}:${settings.port}`,
    folder: settings.folder,
    encrypted,
    idle,
    total,
    messages,
    wouldAccept: messages.filter((m) => m.verdict === 'accept').length,
  };
}
