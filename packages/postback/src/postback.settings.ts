import { secretValuesOf, type TConfig } from '@cia/config';
import type { TPostbackChannel } from '@cia/queue';

export type TPostbackSettings = {
  /** GitLab notes (POSTBACK_ENABLED); Slack and the webhook are on when their URL is set. */
  enabled: boolean;
  /** Project ids or paths; empty allows every project. Applies to every channel. */
  projects: string[];
  /** Results page base; the note links `<publicUrl>/ui/analyses/<request_id>` when set. */
  publicUrl?: string;
  slackWebhookUrl?: string;
  notifyWebhookUrl?: string;
  /** Signs the generic webhook; without it the webhook channel stays off (an unsigned hook is forgeable). */
  secretKey?: string;
  /** Needed for GitLab notes. */
  gitlabConfigured: boolean;
  timeoutMs: number;
  /** Values masked in everything posted, whatever their shape: every secret of the configuration. */
  maskValues: readonly string[];
};

export function pickPostbackSettings(config: TConfig): TPostbackSettings {
  return {
    enabled: config.POSTBACK_ENABLED,
    projects: config.POSTBACK_PROJECTS,
    publicUrl: config.PUBLIC_URL,
    slackWebhookUrl: config.SLACK_WEBHOOK_URL,
    notifyWebhookUrl: config.NOTIFY_WEBHOOK_URL,
    secretKey: config.SECRET_KEY,
    gitlabConfigured: Boolean(config.GITLAB_API_TOKEN),
    timeoutMs: config.POSTBACK_TIMEOUT_MS,
    maskValues: secretValuesOf(config),
  };
}

export function isProjectAllowed(settings: Pick<TPostbackSettings, 'projects'>, project: { id: number; path?: string | null }): boolean {
  if (settings.projects.length === 0) return true;
  const path = project.path?.toLowerCase();
  return settings.projects.some((entry) => entry === String(project.id) || (path !== undefined && entry.toLowerCase() === path));
}

/** The channels one finished analysis of this project goes to. */
export function pickChannels(settings: TPostbackSettings, project: { id: number; path?: string | null }): TPostbackChannel[] {
  if (!isProjectAllowed(settings, project)) return [];
  const channels: TPostbackChannel[] = [];
  if (settings.enabled && settings.gitlabConfigured) channels.push('gitlab');
  if (settings.slackWebhookUrl) channels.push('slack');
  if (settings.notifyWebhookUrl && settings.secretKey) channels.push('webhook');
  return channels;
}

export function resultsPageUrl(settings: Pick<TPostbackSettings, 'publicUrl'>, requestId: string): string | undefined {
  if (!settings.publicUrl) return undefined;
  return `${settings.publicUrl.replace(/\/+$/, '')}/ui/analyses/${encodeURIComponent(requestId)}`;
}
