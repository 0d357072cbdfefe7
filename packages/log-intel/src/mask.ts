import { replaceAnchored } from './anchored-replace';
import { ANSI_RE } from './normalize';
import type { TMaskOptions } from './types';

const placeholder = (kind: string): string => `[MASKED:${kind}]`;

/** Secrets recognisable by their own shape, whatever surrounds them. Most specific first. */
const TOKEN_RULES: [string, RegExp][] = [
  ['private_key', /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g],
  ['gitlab_token', /\b(?:glpat|gldt|glrt|glcbt|glptt|glft|glimt|glagent|gloas|glsoat|glffct|glwt)-[0-9A-Za-z_.-]{20,}/g],
  ['gitlab_token', /\bGR1348941[0-9A-Za-z_-]{20,}/g],
  ['github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g],
  ['aws_access_key', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[0-9A-Z]{16}\b/g],
  ['slack_webhook', /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g],
  ['slack_token', /\bxox[abposr]-[0-9A-Za-z-]{10,}/g],
  ['jwt', /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g],
  ['npm_token', /\bnpm_[A-Za-z0-9]{36}\b/g],
  ['google_api_key', /\bAIza[0-9A-Za-z_-]{35}\b/g],
  ['stripe_key', /\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}/g],
  ['openai_key', /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}/g],
];

// Every token shape in one expression, only to test: most texts hold none, and one scan that finds
// nothing replaces a dozen (a text it does not match cannot match any rule, so skipping is exact).
const ANY_TOKEN_RE = new RegExp(TOKEN_RULES.map(([, re]) => `(?:${re.source})`).join('|'));

// user:password@ in any scheme://; also user@ alone when the user part is itself a token.
const URL_CREDENTIALS_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+:[^\s/@]+|[^\s:/@]{20,})@/gi;
const BEARER_RE = /\b(Bearer|Basic|token)(\s+)([A-Za-z0-9._~+/=-]{12,})/g;
const HEADER_RE = /\b((?:PRIVATE|JOB)-TOKEN|X-Api-Key|X-Auth-Token|X-Gitlab-Token)(\s*:\s*)(\S+)/gi;

// NAME=value / NAME: value / "name": "value" where the name says secret: masked whatever the value.
export const STRONG_ASSIGNMENT_RE =
  /(\b[A-Za-z0-9_.-]*?(password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)[A-Za-z0-9_]*["']?\s*(?:=|:=|:)\s*)(["']?)([^\s"',;&]{4,})/gi;
// Names that only hint at a secret (key, auth, credential...): masked when the value looks random.
export const WEAK_ASSIGNMENT_RE =
  /(\b[A-Za-z0-9_.-]*?(key|auth|cred|credentials?|salt|dsn|signature|cookie|session|cert|pass)[A-Za-z0-9_]*["']?\s*(?:=|:)\s*)(["']?)([^\s"',;&]{12,})/gi;

// What every match of the assignment patterns above contains: the word and the assignment operator.
// Only the names reaching one are tried (see replaceAnchored), not every position of the text.
export const STRONG_ANCHOR_RE = /(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)[A-Za-z0-9_]*["']?\s*[=:]/gi;
export const WEAK_ANCHOR_RE = /(?:key|auth|cred|salt|dsn|signature|cookie|session|cert|pass)[A-Za-z0-9_]*["']?\s*[=:]/gi;
// A cheap test every header match needs: a text failing it is not scanned.
const HEADER_WORD_RE = /private-token|job-token|x-api-key|x-auth-token|x-gitlab-token/i;

/** The assigned variable's name, without quotes and the assignment operator. */
function nameOf(head: string): string {
  return head.replace(/["'\s:=]+$/, '').toLowerCase();
}

function kindOfName(name: string): string {
  if (name.includes('aws')) return 'aws_secret_key';
  if (/pass|pwd/.test(name)) return 'password';
  if (name.includes('token')) return 'token';
  if (name.includes('key')) return 'api_key';
  return 'secret';
}

/** Bits per character; random tokens score above 3.5, words and paths well below. */
function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function looksRandom(value: string): boolean {
  return value.length >= 12 && /\d/.test(value) && /[A-Za-z]/.test(value) && shannonEntropy(value) >= 3.2 && !/^\/|\.\w{2,4}$/.test(value);
}

/** A value that is a reference or a placeholder, not a secret. */
function isPlaceholderValue(value: string): boolean {
  return /^(?:\$|%|\{\{|<|\[MASKED|\*{3}|x{3,}$|true$|false$|null$|none$|nil$|undefined$|required$|optional$|string$|expected)/i.test(value);
}

function maskValue(kind: string, head: string, quote: string): string {
  return `${head}${quote}${placeholder(kind)}`;
}

/**
 * The expression matching any of the given values, longest first. The same values (the worker's
 * token, analysis after analysis) reuse one expression: a new RegExp is compiled again by V8 on
 * its first use, which showed in a busy worker's profile. Only replace() uses it, which resets
 * lastIndex, so sharing it is safe.
 */
const exactCache = new Map<string, RegExp>();
const EXACT_CACHE_SIZE = 16;
function exactValuesRegExp(extraValues: string[]): RegExp | undefined {
  const values = [...new Set(extraValues.filter((v) => v.length >= 4))].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
  if (values.length === 0) return undefined;
  const key = JSON.stringify(values);
  let re = exactCache.get(key);
  if (re === undefined) {
    re = new RegExp(values.map(escapeRegExp).join('|'), 'g');
    if (exactCache.size >= EXACT_CACHE_SIZE) exactCache.delete(exactCache.keys().next().value as string);
    exactCache.set(key, re);
  }
  return re;
}

/** A masking function for many texts with the same caller-provided values (escaped once). */
export function createSecretMasker(options: TMaskOptions = {}): (text: string) => string {
  const exact = exactValuesRegExp(options.extraValues ?? []);
  return (input: string): string => {
    let text = input.includes('\x1b') ? input.replace(ANSI_RE, '') : input;
    if (exact !== undefined) text = text.replace(exact, placeholder('ci_variable'));
    if (ANY_TOKEN_RE.test(text)) for (const [kind, re] of TOKEN_RULES) text = text.replace(re, placeholder(kind));
    if (text.includes('://') && text.includes('@')) text = text.replace(URL_CREDENTIALS_RE, (_m, scheme: string) => `${scheme}${placeholder('url_credentials')}@`);
    if (HEADER_WORD_RE.test(text)) text = text.replace(HEADER_RE, (_m, name: string, sep: string) => `${name}${sep}${placeholder('token')}`);
    text = text.replace(BEARER_RE, (m, scheme: string, sp: string, value: string) =>
      scheme === 'token' && !looksRandom(value) ? m : `${scheme}${sp}${placeholder('bearer_token')}`,
    );
    text = replaceAnchored(text, STRONG_ANCHOR_RE, STRONG_ASSIGNMENT_RE, (m, head, _word, quote, value) => {
      if (isPlaceholderValue(value)) return m;
      const name = nameOf(head);
      // `token:` is common prose in parser errors ("unexpected token: }"): demand a token-like value.
      if (name === 'token' && head.trimEnd().endsWith(':') && !looksRandom(value)) return m;
      return maskValue(kindOfName(name), head, quote);
    });
    text = replaceAnchored(text, WEAK_ANCHOR_RE, WEAK_ASSIGNMENT_RE, (m, head, _name, quote, value) =>
      isPlaceholderValue(value) || !looksRandom(value) ? m : maskValue('secret', head, quote),
    );
    return text;
  };
}

/**
 * Replaces secrets with typed placeholders (`[MASKED:gitlab_token]`): known token shapes, PEM private
 * keys (whole block), credentials in URLs and headers, secret-named assignments, random-looking values
 * of secret-like variables, and the exact values given (e.g. masked CI variables). ANSI codes are
 * removed first so a secret split by colour codes is still found.
 */
export function maskSecrets(text: string, options: TMaskOptions = {}): string {
  return createSecretMasker(options)(text);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
