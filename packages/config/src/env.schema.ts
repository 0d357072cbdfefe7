import { parseExpression } from 'cron-parser';
import { z } from 'zod';

/**
 * The one schema for every setting of every service. Each entry carries its description so the
 * settings table of docs/configuration.md and `.env.example` are checked against it (tests/docs.test.ts).
 */
const bool = (fallback: boolean) =>
  z.stringbool({ truthy: ['true', '1', 'yes', 'on'], falsy: ['false', '0', 'no', 'off', ''] }).default(fallback);
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback);
const num = (fallback: number, min = 0) => z.coerce.number().min(min).default(fallback);
const optionalString = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const csv = (fallback: string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined
        ? fallback
        : v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0),
    );
/** `host` or `host:port`, without scheme or path (a URL pasted here would silently allow nothing). */
const hostList = (fallback: string[]) =>
  csv(fallback).pipe(
    z.array(
      z
        .string()
        .toLowerCase()
        .regex(
          /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/,
          'expected host or host:port, comma-separated',
        ),
    ),
  );
const url = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()))
    .pipe(z.url().optional());

/** Five cron fields (or six, with leading seconds), as BullMQ's job scheduler reads them; empty: off. */
/** A cron pattern as BullMQ's scheduler reads it (cron-parser): a pattern it would refuse stops the start, not the digest. */
const cronPattern = () =>
  optionalString().pipe(
    z
      .string()
      .regex(/^[\d*?,/LW#A-Za-z-]+(\s+[\d*?,/LW#A-Za-z-]+){4,5}$/, "expected a cron pattern such as '0 8 * * *'")
      .refine(isCronPattern, "not a valid cron pattern (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7), e.g. '0 8 * * *'")
      .optional(),
  );

function isCronPattern(pattern: string): boolean {
  try {
    parseExpression(pattern, { tz: 'UTC' });
    return true;
  } catch {
    return false;
  }
}

/** Well-known documentation sites an analysis may point to; anything else is shown as text, never linked. */
const DEFAULT_LINK_HOSTS = [
  'docs.gitlab.com',
  'docs.docker.com',
  'docs.npmjs.com',
  'nodejs.org',
  'developer.mozilla.org',
  'typescriptlang.org',
  'docs.python.org',
  'pip.pypa.io',
  'docs.pytest.org',
  'kubernetes.io',
  'helm.sh',
  'developer.hashicorp.com',
  'docs.aws.amazon.com',
  'cloud.google.com',
  'learn.microsoft.com',
  'docs.github.com',
  'go.dev',
  'doc.rust-lang.org',
  'docs.gradle.org',
  'maven.apache.org',
  'docs.oracle.com',
  'jestjs.io',
  'eslint.org',
  'playwright.dev',
];

export const AI_PROVIDERS = ['openai', 'anthropic', 'azure_openai', 'offline'] as const;

export const ZEnv = z.object({
  // Core
  SECRET_KEY: optionalString().describe('Application secret (signs outgoing webhooks; required in production)'),
  TRIGGER_MODE: z.enum(['webhook', 'email', 'both']).default('webhook').describe('Which triggers run: webhook, email or both'),
  DATABASE_URL: optionalString().describe('PostgreSQL URL; unset = embedded PGlite under DATA_DIR'),
  REDIS_URL: optionalString().describe('Redis URL; unset = a private redis-server child under DATA_DIR (npm start only)'),
  DATA_DIR: z.string().default('./.data').describe('Where embedded data lives (PGlite, private Redis)'),
  PORT: int(8000, 1, 65535).describe('HTTP port of ingest'),
  HOST: z.string().default('127.0.0.1').describe('HTTP bind address of ingest (0.0.0.0: every interface, as containers need)'),
  LOG_LEVEL: z
    .string()
    .default('info')
    .transform((v) => v.toLowerCase())
    .pipe(z.enum(['error', 'warn', 'info', 'debug']))
    .describe('Logging level: error, warn, info, debug'),
  ENVIRONMENT: z.enum(['development', 'test', 'production']).default('development').describe('development, test or production'),
  API_TOKEN: optionalString().describe('Bearer token for the analysis API, results page, Bull Board and metrics (required in production)'),
  QUEUE_PREFIX: z.string().min(1).default('{cia}').describe('BullMQ key prefix; braces make it a Redis Cluster hash tag'),
  WORKER_CONCURRENCY: int(20, 1, 1000).describe('Analyses processed at once by one worker process'),
  WORKER_LOCK_DURATION_MS: int(30_000, 1000).describe(
    "How long a worker holds a job without renewing its lock; a killed worker's jobs move on after this",
  ),
  WORKER_STALLED_INTERVAL_MS: int(30_000, 1000).describe('How often workers look for jobs whose worker died (stalled jobs)'),
  WEBHOOK_BODY_LIMIT_MB: num(25, 0.01).describe('Largest webhook body accepted, in MB (larger: 413); GitLab sends up to 25 MB'),
  JOB_HOOK_DELAY_SECONDS: int(20, 0, 3600).describe('Delay before a Job Hook alone starts an analysis, so the Pipeline Hook can join it'),
  PUBLIC_URL: url().describe('External URL of ingest, used for links to the results page'),

  // GitLab
  GITLAB_API_TOKEN: optionalString().describe('GitLab API token (read_api; api to post notes or retry flaky jobs)'),
  GITLAB_BASE_URL: z.url().default('https://gitlab.com').describe('GitLab instance URL (sub-paths allowed)'),
  GITLAB_WEBHOOK_SECRET: optionalString().describe(
    'Secret token GitLab sends in X-Gitlab-Token (required in production when webhooks are on)',
  ),
  GITLAB_AUTO_FETCH_LOGS: bool(true).describe('Fetch job logs from the API when webhook data is not enough'),
  GITLAB_FETCH_FULL_PIPELINE: bool(true).describe('Fetch all jobs of the pipeline for context, not only failed ones'),
  GITLAB_LOG_LINES_LIMIT: int(2000, 10).describe('Most log lines kept per job (head and tail when cut)'),
  GITLAB_FETCH_ARTIFACTS: bool(false).describe('Fetch artifact metadata and small report files'),
  GITLAB_FETCH_TEST_REPORTS: bool(true).describe('Fetch the pipeline test report'),
  GITLAB_MAX_LOG_SIZE_MB: num(10, 0.01).describe('Largest part of one job log kept (head and tail), in MB'),
  GITLAB_MAX_LOG_READ_MB: num(256, 0.01).describe(
    'Most MB of one job log downloaded; past it reading stops and the log is flagged truncated',
  ),
  GITLAB_LOG_READ_TIMEOUT_S: int(120, 1).describe(
    'Most seconds spent downloading one job log; then reading stops and the log is flagged truncated',
  ),
  GITLAB_TIMEOUT_MS: int(15000, 100).describe('Timeout of one GitLab API request'),
  GITLAB_MAX_CONCURRENCY: int(8, 1, 100).describe('GitLab requests in flight at once per worker process'),
  GITLAB_REDIRECT_HOSTS: hostList([]).describe(
    'Hosts (host or host:port, comma-separated) GitLab may redirect traces and artifacts to, e.g. object storage; the GitLab host itself is always allowed',
  ),

  // Email
  IMAP_ENABLED: bool(false).describe('Enable email monitoring (also implied by TRIGGER_MODE=email/both)'),
  IMAP_SERVER: z.string().default('imap.gmail.com').describe('IMAP server hostname'),
  IMAP_PORT: int(993, 1, 65535).describe('IMAP server port'),
  IMAP_USE_SSL: bool(true).describe('Use implicit TLS (false: STARTTLS when offered)'),
  IMAP_USER: optionalString().describe('IMAP username'),
  IMAP_APP_PASSWORD: optionalString().describe('IMAP password or app password'),
  IMAP_FOLDER: z.string().default('INBOX').describe('Folder to monitor'),
  IMAP_CHECK_INTERVAL: int(60, 1).describe('Seconds between checks when IDLE is not available'),
  IMAP_GITLAB_EMAIL: csv([]).describe('Accepted GitLab sender addresses (comma-separated)'),
  IMAP_FAILURE_KEYWORDS: csv(['failed', 'failure']).describe('Subject keywords that mark a failure notification'),
  IMAP_AFTER_PROCESS: z.enum(['seen', 'move', 'leave']).default('seen').describe('After processing: mark seen, move, or leave'),
  IMAP_PROCESSED_FOLDER: z.string().default('Processed').describe('Target folder when IMAP_AFTER_PROCESS=move'),

  // AI providers
  DEFAULT_AI_PROVIDER: z
    .enum(AI_PROVIDERS)
    .optional()
    .describe('openai, anthropic, azure_openai or offline (default: first with a key, else offline)'),
  AI_FALLBACK_PROVIDERS: csv([])
    .pipe(z.array(z.enum(AI_PROVIDERS)))
    .describe('Providers tried in order when the default fails'),
  OPENAI_API_KEY: optionalString().describe('OpenAI (or compatible) API key'),
  OPENAI_BASE_URL: url().describe('OpenAI-compatible base URL (OpenRouter, Ollama, vLLM...)'),
  OPENAI_MODEL: z.string().default('gpt-4o-mini').describe('OpenAI model'),
  ANTHROPIC_API_KEY: optionalString().describe('Anthropic API key'),
  ANTHROPIC_BASE_URL: url().describe('Anthropic API base URL'),
  ANTHROPIC_MODEL: z.string().default('claude-3-5-haiku-latest').describe('Anthropic model'),
  AZURE_OPENAI_API_KEY: optionalString().describe('Azure OpenAI API key'),
  AZURE_OPENAI_ENDPOINT: url().describe('Azure OpenAI endpoint'),
  AZURE_OPENAI_DEPLOYMENT: z.string().default('gpt-4o-mini').describe('Azure OpenAI deployment name'),
  AZURE_OPENAI_API_VERSION: z.string().default('2024-10-21').describe('Azure OpenAI API version'),
  AI_MAX_INPUT_TOKENS: int(12000, 500).describe('Input budget of one analysis, in tokens'),
  AI_MAX_OUTPUT_TOKENS: int(2000, 100).describe('max_tokens of one provider call'),
  AI_TIMEOUT_MS: int(60000, 100).describe('Timeout of one provider call'),
  AI_RULES_FIRST: bool(true).describe('Skip the AI call when a knowledge-base rule matches with high confidence'),
  AI_CACHE_TTL_HOURS: num(168, 0).describe('How long a fingerprint reuses a stored analysis (0: never)'),
  AI_RATE_LIMIT_PER_MINUTE: int(60, 1).describe('Provider calls per minute across the worker pool'),
  AI_MAX_CONCURRENCY: int(4, 1, 1000).describe('Calls in flight at once to one provider, per worker process'),
  AI_MAX_RETRIES: int(2, 0, 10).describe('Retries of one provider call on 429, 5xx and timeouts (retry-after is honoured)'),
  AI_RULES_MIN_CONFIDENCE: z.coerce
    .number()
    .min(0)
    .max(1)
    .default(0.85)
    .describe('Rule confidence (0..1) at which AI_RULES_FIRST skips the AI call'),
  AI_PRICES: csv([])
    .pipe(z.array(z.string().regex(/^[^=\s]+=\d+(\.\d+)?\/\d+(\.\d+)?$/, 'expected model=input/output (USD per million tokens)')))
    .describe('Extra or corrected model prices, comma-separated model=input/output in USD per million tokens'),

  // Excerpting
  EXCERPT_MAX_LINES: int(150, 10).describe('Most log lines in one job excerpt'),
  EXCERPT_MAX_CHARS: int(12000, 500).describe('Most characters in one job excerpt'),
  EXCERPT_CONTEXT_LINES: int(50, 0, 1000).describe(
    'Context lines kept around each failure block (formerly GITLAB_LOG_CONTEXT_LINES, still read)',
  ),

  // Post back
  POSTBACK_ENABLED: bool(false).describe('Post the analysis as a GitLab note'),
  POSTBACK_PROJECTS: csv([]).describe(
    'Project ids or paths allowed to receive notes (empty: all); checked against the project as the GitLab API names it',
  ),
  POSTBACK_LINK_HOSTS: hostList(DEFAULT_LINK_HOSTS).describe(
    "Documentation hosts (and their subdomains) notes and the results page may link to; GitLab's host is always allowed",
  ),
  SLACK_WEBHOOK_URL: url().describe('Slack incoming webhook for notifications'),
  NOTIFY_WEBHOOK_URL: url().describe('Generic webhook for notifications (HMAC-signed with SECRET_KEY)'),
  POSTBACK_RATE_PER_MINUTE: int(60, 1, 10_000).describe(
    'Posts (GitLab notes, Slack, webhook) per minute across the worker pool; GitLab allows 60 note creations a minute',
  ),
  POSTBACK_CONCURRENCY: int(2, 1, 100).describe('Posts in flight at once per worker process'),
  POSTBACK_TIMEOUT_MS: int(10000, 100).describe('Timeout of one Slack or webhook notification request'),

  // Incident digest (Slack and the generic webhook)
  DIGEST_SCHEDULE: cronPattern().describe(
    "When the digest of the top incidents is sent: a cron pattern in UTC (e.g. '0 8 * * *', daily at 08:00); empty: no digest",
  ),
  DIGEST_TOP_INCIDENTS: int(10, 1, 50).describe('Incidents listed in one digest (the most occurrences since the previous digest first)'),
  DIGEST_NEW_INCIDENTS: bool(true).describe(
    'Announce at once an incident first seen on the default branch (on Slack and the webhook, when they are set)',
  ),

  // Outgoing HTTP (GitLab API, AI providers); the lower-case names are read too
  HTTP_PROXY: optionalString().describe('Proxy URL for outgoing http:// requests to GitLab and AI providers'),
  HTTPS_PROXY: optionalString().describe('Proxy URL for outgoing https:// requests to GitLab and AI providers'),
  NO_PROXY: optionalString().describe('Hosts reached without the proxy (comma-separated, host or host:port, * for all)'),

  // Verdicts
  VERDICT_BRANCH_CACHE_SECONDS: int(60, 0, 3600).describe(
    'How long a branch\'s newest finished pipelines are reused by the next analyses of the worker process (how stale "already failing on main" may be); 0: asked for every analysis',
  ),
  VERDICT_MAX_GITLAB_REQUESTS: int(12, 0, 100).describe(
    'Most GitLab requests one analysis makes for its verdicts (target branch pipeline and jobs, runs of the same commit, compare); answers cached in the worker process do not count; 0: verdicts from stored history only',
  ),
  VERDICT_RETRY_FLAKY_PROJECTS: csv([]).describe(
    'Project ids or paths (or *) whose "likely flaky" jobs the worker retries once to verify the suspicion (needs a GITLAB_API_TOKEN with api scope); empty: never retried',
  ),
  VERDICT_RETRY_POLL_SECONDS: int(60, 1, 3600).describe(
    'First look at a retried job this long after the retry; each further look waits twice as long (at most 15 minutes)',
  ),
  VERDICT_RETRY_WAIT_MINUTES: int(120, 1, 1440).describe(
    'How long a retried job is waited for; past it the retry stays pending and the verdict unchanged',
  ),
});

export type TEnv = z.infer<typeof ZEnv>;
export type TAiProvider = (typeof AI_PROVIDERS)[number];
