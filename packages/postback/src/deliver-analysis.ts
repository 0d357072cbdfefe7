import { findAnalysisByRequestId, findPostedNote, savePostedNote, type TDb } from '@cia/db';
import type { GitLabClient } from '@cia/gitlab';
import type { TPostAnalysisPayload } from '@cia/contracts';
import { buildNoteInput, hasResult } from './note-input';
import { slackTargetKey } from './note-marker';
import { postAnalysisNote, type TNoteOutcome } from './post-note';
import type { TPostbackSettings } from './postback.settings';
import { checkPostPermission } from './project-lookup';
import { sendSlackNotification } from './slack.notifier';
import { sendWebhookNotification } from './webhook.notifier';

export type TPostbackDeps = { db: TDb; gitlab?: GitLabClient; settings: TPostbackSettings };

/** The analysis named by the job can never be posted (gone, or never completed). */
export class PostbackSkipError extends Error {
  readonly transient = false;
  constructor(message: string) {
    super(message);
    this.name = 'PostbackSkipError';
  }
}

/**
 * Posts one finished analysis to one channel. Settings are checked again here, not only at enqueue
 * time: a project removed from the allow list (or post-back turned off) since then is left alone.
 */
export async function deliverAnalysis(deps: TPostbackDeps, payload: TPostAnalysisPayload, deliveryId: string): Promise<TNoteOutcome> {
  const row = await findAnalysisByRequestId(deps.db, payload.request_id);
  if (!row) throw new PostbackSkipError(`analysis ${payload.request_id} does not exist`);
  if (row.status !== 'completed' || !hasResult(row))
    throw new PostbackSkipError(`analysis ${payload.request_id} is ${row.status}, not completed`);
  const { settings } = deps;
  if (payload.channel === 'gitlab') {
    if (!settings.enabled || !deps.gitlab) return { action: 'skipped', reason: 'GitLab post-back is off' };
    // Checks the project against POSTBACK_PROJECTS itself, as GitLab names it.
    return postAnalysisNote({ db: deps.db, gitlab: deps.gitlab, settings }, row);
  }
  const permission = await checkPostPermission(settings, deps.gitlab, row.projectId);
  if (!permission.allowed) return { action: 'skipped', reason: permission.reason };
  switch (payload.channel) {
    case 'slack': {
      if (!settings.slackWebhookUrl) return { action: 'skipped', reason: 'SLACK_WEBHOOK_URL is not set' };
      // People read Slack: the same failure on the same merge request (or branch) is announced once until fixed.
      const key = { projectId: row.projectId, target: slackTargetKey(row.pipeline) };
      const last = await findPostedNote(deps.db, key);
      if (last?.state === 'failing' && last.fingerprint === row.fingerprint)
        return { action: 'skipped', reason: 'this failure was already announced', target: key.target };
      await sendSlackNotification(settings.slackWebhookUrl, await buildNoteInput(deps.db, settings, row, permission.project), settings);
      await savePostedNote(deps.db, { ...key, noteId: 0, analysisId: row.id, fingerprint: row.fingerprint, state: 'failing' });
      return { action: 'created', target: key.target };
    }
    case 'webhook': {
      if (!settings.notifyWebhookUrl || !settings.secretKey)
        return { action: 'skipped', reason: 'NOTIFY_WEBHOOK_URL or SECRET_KEY is not set' };
      const input = await buildNoteInput(deps.db, settings, row, permission.project);
      await sendWebhookNotification(settings.notifyWebhookUrl, input, { ...settings, secretKey: settings.secretKey, deliveryId });
      return { action: 'created', target: 'webhook' };
    }
  }
}
