import crypto from 'node:crypto';
import { findProcessedEmail, recordProcessedEmail, type TDb } from '@cia/db';
import { acceptFailure, type TIntakeDeps } from '@cia/intake';
import { classifyGitLabEmail, type TClassification, type TEmailFacts, type TMailRules } from '../email/gitlab-email';
import type { TProjectResolver } from '../email/project-resolver';
import { MalformedMessageError, readMessage, type TMailFacts } from '../email/read-message';

export type TMessageRef = { folder: string; uid: number; uidValidity: string; internalDate?: Date };

export type TProcessOutcome = {
  outcome: 'accepted' | 'duplicate' | 'skipped' | 'already_processed';
  messageId: string;
  reason?: string;
  requestId?: string | null;
  /** A GitLab pipeline email from an accepted sender: the after-process action applies to it. */
  handled: boolean;
};

const MAX_SUBJECT = 998;

export type TProcessDeps = TIntakeDeps & { db: TDb; resolveProject?: TProjectResolver };

/** An email that names its project only by path gets the id from the GitLab API when a token is set. */
async function classifyWithResolution(deps: TProcessDeps, mail: TMailFacts, rules: TMailRules): Promise<TClassification> {
  const c = classifyGitLabEmail(mail, rules);
  if (c.kind !== 'skip' || !c.missingProjectId || !c.facts.projectPath) return c;
  if (!deps.resolveProject) return { ...c, reason: `${c.reason}; set GITLAB_API_TOKEN to look the path up` };
  const found = await deps.resolveProject(c.facts.projectPath);
  if (found.id === undefined) return { ...c, reason: `${c.reason}; ${found.error}` };
  return classifyGitLabEmail(mail, rules, { projectId: found.id });
}

/**
 * One message: parse, dedup by Message-ID, classify, hand the failure to the intake (the same
 * path as a webhook), record the outcome. Bad input is recorded as skipped; only database or
 * intake errors throw (the watcher retries the message later).
 */
export async function processMessage(deps: TProcessDeps, ref: TMessageRef, raw: Buffer, rules: TMailRules): Promise<TProcessOutcome> {
  const base = { folder: ref.folder, uid: ref.uid, uidValidity: ref.uidValidity, receivedAt: ref.internalDate ?? null };
  let mail;
  try {
    mail = await readMessage(raw);
  } catch (err) {
    if (!(err instanceof MalformedMessageError)) throw err;
    const messageId = `sha256:${crypto.createHash('sha256').update(raw).digest('hex')}`;
    const reason = `malformed message: ${err.message}`;
    await recordProcessedEmail(deps.db, { ...base, messageId, outcome: 'skipped', reason });
    return { outcome: 'skipped', messageId, reason, handled: false };
  }

  const seen = await findProcessedEmail(deps.db, mail.messageId);
  const c = seen ? classifyGitLabEmail(mail, rules) : await classifyWithResolution(deps, mail, rules);
  if (seen) {
    const handled = c.kind === 'accept' || c.recognized;
    return {
      outcome: 'already_processed',
      messageId: mail.messageId,
      requestId: seen.requestId,
      reason: `Message-ID already processed (${seen.outcome})`,
      handled,
    };
  }
  const record = (facts: TEmailFacts) => ({
    ...base,
    receivedAt: mail.date ?? base.receivedAt,
    messageId: mail.messageId,
    sender: mail.from.join(', ') || null,
    subject: mail.subject.slice(0, MAX_SUBJECT) || null,
    projectId: facts.projectId ?? null,
    projectPath: facts.projectPath ?? null,
    pipelineId: facts.pipelineId ?? null,
    ref: facts.ref ?? null,
  });
  if (c.kind === 'skip') {
    await recordProcessedEmail(deps.db, { ...record(c.facts), outcome: 'skipped', reason: c.reason });
    return { outcome: 'skipped', messageId: mail.messageId, reason: c.reason, handled: c.recognized };
  }

  const accepted = await acceptFailure(deps, { trigger: 'email', project: c.project, pipeline: c.pipeline, failedJobs: c.failedJobs });
  const outcome = accepted.created ? 'accepted' : 'duplicate';
  const reason = accepted.created ? null : 'pipeline already has an analysis';
  const fresh = await recordProcessedEmail(deps.db, { ...record(c.facts), outcome, reason, requestId: accepted.requestId });
  if (!fresh) return { outcome: 'already_processed', messageId: mail.messageId, requestId: accepted.requestId, handled: true };
  return { outcome, messageId: mail.messageId, requestId: accepted.requestId, handled: true, ...(reason ? { reason } : {}) };
}
