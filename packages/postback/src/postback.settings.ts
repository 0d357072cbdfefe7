import { isPostbackProject, secretValuesOf, type TConfig } from '@cia/config';
import { isAllowedLink, type TIncidentNoticeChannel, type TLinkPolicy, type TPostbackChannel } from '@cia/contracts';

export type TPostbackSettings = {
  /** GitLab notes (POSTBACK_ENABLED); Slack and the webhook are on when their URL is set. */
  enabled: boolean;
  /**
   * Project ids or paths; empty allows every project. Applies to every channel, and is checked
   * against the project as the GitLab API names it (a path a payload claims is never trusted).
   */
  projects: string[];
  /** GITLAB_BASE_URL: every GitLab link we post is built from it and ids. */
  gitlabBaseUrl: string;
  /** POSTBACK_LINK_HOSTS: documentation hosts an analysis may link to. */
  linkHosts: string[];
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
  /** The incident digest (DIGEST_*): its cron pattern (UTC; absent: off), its length, new default-branch incidents at once. */
  digest?: { schedule?: string; topIncidents: number; newIncidents: boolean };
};

export function pickPostbackSettings(config: TConfig): TPostbackSettings {
  return {
    enabled: config.POSTBACK_ENABLED,
    projects: config.POSTBACK_PROJECTS,
    gitlabBaseUrl: config.GITLAB_BASE_URL,
    linkHosts: config.POSTBACK_LINK_HOSTS,
    publicUrl: config.PUBLIC_URL,
    slackWebhookUrl: config.SLACK_WEBHOOK_URL,
    notifyWebhookUrl: config.NOTIFY_WEBHOOK_URL,
    secretKey: config.SECRET_KEY,
    gitlabConfigured: Boolean(config.GITLAB_API_TOKEN),
    timeoutMs: config.POSTBACK_TIMEOUT_MS,
    maskValues: secretValuesOf(config),
    digest: { schedule: config.DIGEST_SCHEDULE, topIncidents: config.DIGEST_TOP_INCIDENTS, newIncidents: config.DIGEST_NEW_INCIDENTS },
  };
}

/** The channels one finished analysis of this project goes to. */
export function pickChannels(settings: TPostbackSettings, project: { id: number; path?: string | null }): TPostbackChannel[] {
  if (!isPostbackProject(settings.projects, project)) return [];
  const channels: TPostbackChannel[] = [];
  if (settings.enabled && settings.gitlabConfigured) channels.push('gitlab');
  if (settings.slackWebhookUrl) channels.push('slack');
  if (settings.notifyWebhookUrl && settings.secretKey) channels.push('webhook');
  return channels;
}

/** Where incident notices (the digest, new incidents) go: Slack and the signed webhook, when set; never GitLab notes. */
export function pickIncidentNoticeChannels(
  settings: Pick<TPostbackSettings, 'slackWebhookUrl' | 'notifyWebhookUrl' | 'secretKey'>,
): TIncidentNoticeChannel[] {
  const channels: TIncidentNoticeChannel[] = [];
  if (settings.slackWebhookUrl) channels.push('slack');
  if (settings.notifyWebhookUrl && settings.secretKey) channels.push('webhook');
  return channels;
}

/** The incident page of the results page, only where the link policy lets a post link (PUBLIC_URL set). */
export function incidentPageUrl(
  settings: Pick<TPostbackSettings, 'gitlabBaseUrl' | 'linkHosts' | 'publicUrl'>,
  incidentId: number,
): string | null {
  if (!settings.publicUrl) return null;
  const url = `${settings.publicUrl.replace(/\/+$/, '')}/ui/incidents/${incidentId}`;
  return isAllowedLink(linkPolicyOf(settings), url) ? url : null;
}

export function resultsPageUrl(settings: Pick<TPostbackSettings, 'publicUrl'>, requestId: string): string | undefined {
  if (!settings.publicUrl) return undefined;
  return `${settings.publicUrl.replace(/\/+$/, '')}/ui/analyses/${encodeURIComponent(requestId)}`;
}

export function linkPolicyOf(settings: Pick<TPostbackSettings, 'gitlabBaseUrl' | 'linkHosts' | 'publicUrl'>): TLinkPolicy {
  return { gitlabBaseUrl: settings.gitlabBaseUrl, docHosts: settings.linkHosts, publicUrl: settings.publicUrl };
}
