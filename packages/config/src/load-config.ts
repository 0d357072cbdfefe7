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

function describeIssue(issue: z.core.$ZodIssue, env: Record<string, string | undefined>): string {
  const name = String(issue.path[0] ?? '?');
  const got = env[name];
  const shown = got === undefined || isSecretSetting(name) ? '' : ` (got "${got}")`;
  return `${name}: ${issue.message}${shown}`;
}

/**
 * Reads `.env` (when present, never overriding real environment variables) and parses the
 * environment once. A wrong value throws a ConfigError naming every bad variable on one line.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { dotenvPath?: string | false } = {},
): TConfig {
  const merged = { ...env };
  const dotenvPath = options.dotenvPath ?? (env === process.env ? path.resolve('.env') : false);
  if (dotenvPath && fs.existsSync(dotenvPath)) {
    const fromFile = dotenv.parse(fs.readFileSync(dotenvPath));
    for (const [k, v] of Object.entries(fromFile)) if (merged[k] === undefined) merged[k] = v;
  }
  for (const name of LOWER_CASE_ALIASES) merged[name] ??= merged[name.toLowerCase()];
  const parsed = ZEnv.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration: ${parsed.error.issues.map((i) => describeIssue(i, merged)).join('; ')}`,
    );
  }
  const config = parsed.data;
  if (config.ENVIRONMENT === 'production') {
    const missing = (['API_TOKEN', 'SECRET_KEY'] as const).filter((k) => !config[k]);
    if (missing.length > 0) {
      throw new ConfigError(
        `Invalid configuration: ${missing.map((k) => `${k}: required when ENVIRONMENT=production`).join('; ')}`,
      );
    }
  }
  return Object.freeze(config);
}

/** Which triggers run: TRIGGER_MODE decides, IMAP_ENABLED also turns email on. */
export function enabledTriggers(config: TConfig): { webhook: boolean; email: boolean } {
  return {
    webhook: config.TRIGGER_MODE !== 'email',
    email: config.TRIGGER_MODE !== 'webhook' || config.IMAP_ENABLED,
  };
}
