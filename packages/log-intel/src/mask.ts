import { replaceAnchored } from './anchored-replace';
import { maskEncodedTokens } from './encoded-tokens';
import { exactValuesRegExp } from './exact-values';
import {
  ANY_TOKEN_RE,
  BEARER_RE,
  CONFIG_SET_RE,
  CURL_USER_RULES,
  HEADER_RE,
  HEADER_WORD_RE,
  SECRET_FLAG_RE,
  SECRET_FLAG_WORD_RE,
  STRONG_ANCHOR_RE,
  STRONG_ASSIGNMENT_RE,
  TOKEN_RULES,
  TOOL_FLAG_RE,
  TOOL_PASSWORD_RULES,
  TOOL_WORD_RE,
  URL_CREDENTIALS_RE,
  WEAK_ANCHOR_RE,
  WEAK_ASSIGNMENT_RE,
} from './mask-rules';
import { ANSI_RE } from './normalize';
import { maskDeep, type TMasker, type TMaskedText } from '@cia/contracts';
import type { TMaskOptions } from './types';

export { MIN_SECRET_LENGTH } from './exact-values';
export { STRONG_ANCHOR_RE, STRONG_ASSIGNMENT_RE, WEAK_ANCHOR_RE, WEAK_ASSIGNMENT_RE } from './mask-rules';

const placeholder = (kind: string): string => `[MASKED:${kind}]`;

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

/**
 * Random-looking: long, letters and digits, high entropy; not a path, a file name, a source
 * position (`x.go:59`) or a colon-separated identifier (`group:artifact:jar:1.0`, `table:123:A`).
 */
function looksRandom(value: string): boolean {
  return (
    value.length >= 12 &&
    /\d/.test(value) &&
    /[A-Za-z]/.test(value) &&
    shannonEntropy(value) >= 3.2 &&
    !/^\/|\.\w{2,4}$|\.\w{1,4}:\d+$|:[^:]*:/.test(value)
  );
}

// `$NAME`, `${NAME}`, `$(command`: shell references (upper-case or all-lower-case names). What is
// left once they are taken out decides: `$CI_TOKEN` is a reference, `$ecr3t!` is a password.
const SHELL_REFERENCE_RE = /\$(?:\{[^}]*\}?|\([^)]*\)?|[A-Z_][A-Z0-9_]*|[a-z_]+(?![A-Za-z0-9]))/g;

/**
 * Whether the word after an authorization scheme is a credential: `Basic` carries base64 of
 * `user:password` (not "Basic functionality"), `token` a random-looking value, `Bearer` anything.
 */
function isSchemeCredential(scheme: string, value: string): boolean {
  if (scheme === 'Basic') return Buffer.from(value, 'base64').toString('latin1').includes(':');
  return scheme !== 'token' || looksRandom(value);
}

/** A value that is a reference, a placeholder, or already masked (by us or by the CI system), not a secret. */
function isPlaceholderValue(value: string): boolean {
  if (value.startsWith('$')) return !/[A-Za-z0-9]/.test(value.replace(SHELL_REFERENCE_RE, ''));
  return /^(?:%|\{\{|<|\[MASKED|\[(?:secure|masked|redacted|filtered|hidden)\]|\*{3}|x{3,}$|true$|false$|null$|none$|nil$|undefined$|required$|optional$|string$|expected)/i.test(
    value,
  );
}

/**
 * The value matched by the VALUE part of a rule (double-quoted, single-quoted, or bare after an
 * optional quote), and the replacement keeping the quotes around the placeholder.
 */
function valueOf(groups: string[]): { value: string; masked: (kind: string) => string } | undefined {
  const [double, single, openQuote, bare] = groups;
  if (double !== undefined) return { value: double, masked: (kind) => `"${placeholder(kind)}"` };
  if (single !== undefined) return { value: single, masked: (kind) => `'${placeholder(kind)}'` };
  if (bare === undefined) return undefined;
  return { value: bare, masked: (kind) => `${openQuote ?? ''}${placeholder(kind)}` };
}

/** A replacer for a rule `(kept head)VALUE`: the value masked (its kind told by the head) unless it is a placeholder. */
function maskValueAfterHead(kindOf: (head: string) => string) {
  return (m: string, head: string, ...rest: unknown[]): string => {
    const v = valueOf(rest.slice(0, 4) as string[]);
    return v === undefined || isPlaceholderValue(v.value) ? m : `${head}${v.masked(kindOf(head))}`;
  };
}

const maskFlagValue = maskValueAfterHead((head) => kindOfName(nameOf(head)));
const maskConfigValue = maskValueAfterHead((head) => kindOfName(head.toLowerCase()));
const maskToolPassword = maskValueAfterHead(() => 'password');

/** Secrets handed to command-line tools: flags, configuration commands, tool-specific short flags. */
function maskCommandLine(input: string): string {
  let text = input;
  if (SECRET_FLAG_WORD_RE.test(text)) text = text.replace(SECRET_FLAG_RE, maskFlagValue);
  if (/config/i.test(text)) text = text.replace(CONFIG_SET_RE, maskConfigValue);
  if (!TOOL_FLAG_RE.test(text) || !TOOL_WORD_RE.test(text)) return text;
  for (const re of TOOL_PASSWORD_RULES) text = text.replace(re, maskToolPassword);
  for (const re of CURL_USER_RULES) {
    text = text.replace(re, (m: string, head: string, _quote: string, password: string) =>
      isPlaceholderValue(password) ? m : `${head}${placeholder('password')}`,
    );
  }
  return text;
}

/**
 * True when the secret word of a name runs on into a longer lower-case word (`tokens`,
 * `tokenfilter`, `CreatePasswords`): such names count or describe things more often than they
 * hold a secret, so their value must look random to be masked. A second secret word after the
 * first (`secretkey`, `apitoken`) still names a secret.
 */
function wordRunsOn(head: string, word: string): boolean {
  const at = head.toLowerCase().lastIndexOf(word.toLowerCase());
  const rest = head.slice(at + word.length);
  return /^[a-z]/.test(rest) && !/^(?:key|token|secret|pass)/i.test(rest);
}

/** A class-like name of three or more capitalised words (`RemoveAccessPassword:` in a migration log) names code, not a setting. */
function isClassName(name: string): boolean {
  return /^[A-Z][a-z]+(?:[A-Z][a-z0-9]*){2,}$/.test(name);
}

/** NAME=value assignments: any value of a secret name, random-looking values of a name that hints at one. */
function maskAssignments(input: string): string {
  let text = replaceAnchored(input, STRONG_ANCHOR_RE, STRONG_ASSIGNMENT_RE, (m, head = '', word = '', ...groups) => {
    const v = valueOf(groups as string[]);
    if (v === undefined || isPlaceholderValue(v.value)) return m;
    const name = nameOf(head);
    // `token:` is common prose in parser errors ("unexpected token: }"): demand a token-like value.
    if (name === 'token' && head.trimEnd().endsWith(':') && !looksRandom(v.value)) return m;
    if ((wordRunsOn(head, word) || isClassName(head.replace(/["'\s:=]+$/, ''))) && !looksRandom(v.value)) return m;
    // $PWD, $OLDPWD are directories, not passwords.
    if (/pwd$/.test(name) && v.value.startsWith('/')) return m;
    return `${head}${v.masked(kindOfName(name))}`;
  });
  text = replaceAnchored(text, WEAK_ANCHOR_RE, WEAK_ASSIGNMENT_RE, (m, head = '', _word, quote = '', value = '') =>
    isPlaceholderValue(value) || !looksRandom(value) ? m : `${head}${quote}${placeholder('secret')}`,
  );
  return text;
}

/** A masking function for many texts with the same caller-provided values (their expression built once). */
export function createSecretMasker(options: TMaskOptions = {}): TMasker {
  const exact = exactValuesRegExp(options.extraValues ?? []);
  const mask = (input: string): TMaskedText => {
    let text = input.includes('\x1b') ? input.replace(ANSI_RE, '') : input;
    if (exact !== undefined) text = text.replace(exact, placeholder('secret_value'));
    if (ANY_TOKEN_RE.test(text)) for (const [kind, re] of TOKEN_RULES) text = text.replace(re, placeholder(kind));
    text = maskEncodedTokens(text, placeholder('encoded_token'));
    if (text.includes('://') && text.includes('@'))
      text = text.replace(URL_CREDENTIALS_RE, (_m, scheme: string) => `${scheme}${placeholder('url_credentials')}@`);
    if (HEADER_WORD_RE.test(text))
      text = text.replace(HEADER_RE, (_m, name: string, sep: string) => `${name}${sep}${placeholder('token')}`);
    text = text.replace(BEARER_RE, (m, scheme: string, sp: string, value: string) =>
      isSchemeCredential(scheme, value) ? `${scheme}${sp}${placeholder('bearer_token')}` : m,
    );
    text = maskCommandLine(text);
    // The one place a TMaskedText is made: what comes out of here has been masked.
    return maskAssignments(text) as TMaskedText;
  };
  return mask as TMasker;
}

const maskers = new WeakMap<readonly string[], TMasker>();
const NO_VALUES: readonly string[] = [];

/**
 * The masker of a list of exact secret values, built once per list: a process has one list (its
 * configuration's, secretValuesOf(config)), so every boundary shares one compiled expression.
 */
export function maskerFor(values: readonly string[] = NO_VALUES): TMasker {
  let masker = maskers.get(values);
  if (!masker) maskers.set(values, (masker = createSecretMasker({ extraValues: values })));
  return masker;
}

/**
 * Replaces secrets with typed placeholders (`[MASKED:gitlab_token]`): the exact values given (the
 * service's own secrets) in their common encodings, known token shapes (also base64-encoded), PEM
 * private keys (whole block), credentials in URLs and headers, secrets given to command-line tools
 * (`--password X`, `mysql -pX`, `curl -u user:pw`, `aws configure set ..._key X`), secret-named
 * assignments (quoted values with spaces too), and random-looking values of secret-like variables.
 * ANSI codes are removed first so a secret split by colour codes is still found. Masking its own
 * output changes nothing.
 */
export function maskSecrets(text: string, options: TMaskOptions = {}): TMaskedText {
  return createSecretMasker(options)(text);
}

/** A JSON body (Slack, the generic webhook) whose every string is masked: valid JSON whatever the masks replace. */
export function maskJson(value: unknown, mask: TMasker): TMaskedText {
  return JSON.stringify(maskDeep(value, mask)) as TMaskedText;
}

/**
 * The first `maxChars` characters of a masked text, and `suffix` (ours, holding no secret) when
 * cut: taking characters away cannot reveal a secret, so the head of a masked text is masked.
 */
export function truncateMasked(text: TMaskedText, maxChars: number, suffix: string): TMaskedText {
  return text.length <= maxChars ? text : (`${text.slice(0, maxChars)}${suffix}` as TMaskedText);
}
