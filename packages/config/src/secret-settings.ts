import { ZEnv, type TEnv } from './env.schema';

/**
 * How much of a secret setting is secret: the whole value, the password in a URL
 * (`redis://:pw@host`, the host and database are not), or a URL's path and query (a Slack or
 * webhook URL is its own credential). The one list of secret settings: `cli config`, the
 * configuration errors and the masking of the service's own secrets all read it. A new secret
 * setting is added here.
 */
export type TSecretPart = 'value' | 'url_password' | 'url_path';

export const SECRET_SETTINGS = {
  SECRET_KEY: 'value',
  API_TOKEN: 'value',
  GITLAB_API_TOKEN: 'value',
  GITLAB_WEBHOOK_SECRET: 'value',
  IMAP_APP_PASSWORD: 'value',
  OPENAI_API_KEY: 'value',
  ANTHROPIC_API_KEY: 'value',
  AZURE_OPENAI_API_KEY: 'value',
  DATABASE_URL: 'url_password',
  REDIS_URL: 'url_password',
  HTTP_PROXY: 'url_password',
  HTTPS_PROXY: 'url_password',
  NOTIFY_WEBHOOK_URL: 'url_password',
  SLACK_WEBHOOK_URL: 'url_path',
} as const satisfies Partial<Record<keyof TEnv, TSecretPart>>;

type TSecretName = keyof typeof SECRET_SETTINGS;

/** Names of the settings whose values (or the secret part of them) must never be printed. */
export function isSecretSetting(name: string): name is TSecretName {
  return Object.hasOwn(SECRET_SETTINGS, name);
}

const HIDDEN = '********';

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The secret parts of one setting's value, as they may appear in text (percent-encoded and not). */
function secretPartsOf(part: TSecretPart, value: string): string[] {
  if (part === 'value') return [value];
  const url = parseUrl(value);
  if (!url) return [value];
  if (part === 'url_path') {
    const path = url.pathname.replace(/^\/+/, '');
    return [path, path.split('/').at(-1) ?? '', url.search.slice(1)];
  }
  const query = [...url.searchParams.values()];
  return url.password ? [url.password, decoded(url.password), ...query] : query;
}

const secretValuesCache = new WeakMap<object, readonly string[]>();

/**
 * The exact secret values of this configuration, to be masked wherever they appear (logs, excerpts,
 * notes, AI prompts, stored errors): every secret setting, and only the secret part of the URLs.
 * Values too short to mask safely are left to the masker to drop (MIN_SECRET_LENGTH in log-intel).
 * Computed once per configuration object.
 */
export function secretValuesOf(config: Readonly<Partial<TEnv>>): readonly string[] {
  let values = secretValuesCache.get(config);
  if (values === undefined) {
    const found = new Set<string>();
    for (const [name, part] of Object.entries(SECRET_SETTINGS) as [TSecretName, TSecretPart][]) {
      const value = config[name];
      if (typeof value === 'string' && value !== '') for (const v of secretPartsOf(part, value)) if (v !== '') found.add(v);
    }
    values = Object.freeze([...found]);
    secretValuesCache.set(config, values);
  }
  return values;
}

/** A URL with its password hidden (`postgres://app:********@db:5432/ci`); the rest shown. */
function hideUrlPassword(value: string): string {
  const url = parseUrl(value);
  if (!url) return HIDDEN;
  if (url.password) url.password = HIDDEN;
  for (const key of url.searchParams.keys()) url.searchParams.set(key, HIDDEN);
  return url.toString();
}

/** A URL whose path is its credential, shown as scheme and host only (`https://hooks.slack.com/********`). */
function hideUrlPath(value: string): string {
  const url = parseUrl(value);
  return url ? `${url.protocol}//${url.host}/${HIDDEN}` : HIDDEN;
}

/** How one setting's value is shown: secrets hidden (only their secret part for URLs), the rest as is. */
export function showSetting(name: string, value: unknown): unknown {
  if (!isSecretSetting(name) || typeof value !== 'string') return value;
  const part: TSecretPart = SECRET_SETTINGS[name];
  if (part === 'value') return HIDDEN;
  return part === 'url_password' ? hideUrlPassword(value) : hideUrlPath(value);
}

/**
 * Every setting of the schema, in schema order, with secrets hidden (see showSetting); settings
 * not set and without a default are present as undefined. For `cli config` and `/webhooks/gitlab/info`.
 */
export function maskConfig(config: Readonly<Partial<TEnv>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(ZEnv.shape)) out[name] = showSetting(name, (config as Record<string, unknown>)[name]);
  return out;
}
