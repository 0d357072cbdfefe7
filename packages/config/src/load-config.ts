import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';
import { ZEnv, type TEnv } from './env.schema';
import { isSecretSetting } from './secret-settings';

export type TConfig = Readonly<TEnv>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Read under their conventional lower-case names too, as curl and most HTTP clients do. */
const LOWER_CASE_ALIASES = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const;
/** Settings renamed since a release: the old name is still read (the new one wins when both are set). */
const FORMER_NAMES = { EXCERPT_CONTEXT_LINES: 'GITLAB_LOG_CONTEXT_LINES' } as const;

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '?');
  const got = env[name];
  const shown = got === undefined || isSecretSetting(name) ? '' : ` (got "${got}")`;
  const former = (FORMER_NAMES as Record<string, string>)[name];
  const setAs = former !== undefined && got !== undefined && env[former] === got ? ` (set as ${former})` : '';
  return `${name}${setAs}: ${issue.message}${shown}`;
}

/**
 * Reads `.env` (when present, never overriding real environment variables) and parses the
 * environment once. A wrong value throws a ConfigError naming every bad variable on one line.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, options: { dotenvPath?: string | false } = {}): TConfig {
  const merged = { ...env };
  const dotenvPath = options.dotenvPath ?? (env === process.env ? path.resolve('.env') : false);
  if (dotenvPath && fs.existsSync(dotenvPath)) {
    const fromFile = dotenv.parse(fs.readFileSync(dotenvPath));
    for (const [k, v] of Object.entries(fromFile)) if (merged[k] === undefined) merged[k] = v;
  }
  for (const name of LOWER_CASE_ALIASES) merged[name] ??= merged[name.toLowerCase()];
  for (const [name, former] of Object.entries(FORMER_NAMES)) merged[name] ??= merged[former];
  const parsed = ZEnv.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration: ${parsed.error.issues.map((i) => describeIssue(i, merged)).join('; ')}`);
  }
  const config = parsed.data;
  const missing = missingProductionSecrets(config);
  if (missing.length > 0) throw new ConfigError(`Invalid configuration: ${missing.join('; ')}`);
  return Object.freeze(config);
}

/**
 * Production refuses to start without the secrets that guard it: the API token (results, Bull
 * Board, metrics), the signing key, and the webhook secret whenever webhooks are accepted (without
 * it anyone can post a Pipeline Hook that ends up as a note on any merge request).
 */
function missingProductionSecrets(config: TEnv): string[] {
  if (config.ENVIRONMENT !== 'production') return [];
  const missing: string[] = [];
  for (const name of ['API_TOKEN', 'SECRET_KEY'] as const) if (!config[name]) missing.push(`${name}: required when ENVIRONMENT=production`);
  if (config.TRIGGER_MODE !== 'email' && !config.GITLAB_WEBHOOK_SECRET) {
    missing.push(
      `GITLAB_WEBHOOK_SECRET: required when ENVIRONMENT=production and TRIGGER_MODE=${config.TRIGGER_MODE} accepts webhooks (set the same value as the webhook's secret token in GitLab)`,
    );
  }
  return missing;
}

/** Which triggers run: TRIGGER_MODE decides, IMAP_ENABLED also turns email on. */
export function enabledTriggers(config: TConfig): { webhook: boolean; email: boolean } {
  return {
    webhook: config.TRIGGER_MODE !== 'email',
    email: config.TRIGGER_MODE !== 'webhook' || config.IMAP_ENABLED,
  };
}
