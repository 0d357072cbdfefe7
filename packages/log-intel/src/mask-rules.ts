/**
 * The expressions of the secret masker (mask.ts): token shapes, credentials in URLs and headers,
 * secret-named assignments, and secrets handed to command-line tools.
 */

/** Secrets recognisable by their own shape, whatever surrounds them. Most specific first. */
export const TOKEN_RULES: [string, RegExp][] = [
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
export const ANY_TOKEN_RE = new RegExp(TOKEN_RULES.map(([, re]) => `(?:${re.source})`).join('|'));

// user:password@ in any scheme://; also user@ alone when the user part is itself a token.
export const URL_CREDENTIALS_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]+:[^\s/@]+|[^\s:/@]{20,})@/gi;
export const BEARER_RE = /\b(Bearer|Basic|token)(\s+)([A-Za-z0-9._~+/=-]{12,})/g;
export const HEADER_RE = /\b((?:PRIVATE|JOB)-TOKEN|X-Api-Key|X-Auth-Token|X-Gitlab-Token)(\s*:\s*)(\S+)/gi;
// A cheap test every header match needs: a text failing it is not scanned.
export const HEADER_WORD_RE = /private-token|job-token|x-api-key|x-auth-token|x-gitlab-token/i;

const STRONG_WORDS = 'password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key';
const WEAK_WORDS = 'key|auth|cred|credentials?|salt|dsn|signature|cookie|session|cert|pass';

/**
 * A secret value: a quoted string (spaces allowed) or a bare word of at least 4 characters (shorter
 * words after a secret-named flag or key are prose). A bare word may hold `;` and `,` inside it
 * (`pa;ss`), not at its end (`TOKEN=abc; make`, `a=b, c=d`). Groups: double-quoted, single-quoted,
 * the opening quote of an unclosed string, bare.
 */
const VALUE = `(?:"([^"\\n]+)"|'([^'\\n]+)'|(["']?)((?:[^\\s"',;&]|[,;](?=[^\\s"',;&])){4,}))`;

// NAME=value / NAME: value / "name": "value" where the name says secret: masked whatever the value.
export const STRONG_ASSIGNMENT_RE = new RegExp(`(\\b[A-Za-z0-9_.-]*?(${STRONG_WORDS})[A-Za-z0-9_]*["']?\\s*(?:=|:=|:)\\s*)${VALUE}`, 'gi');
// Names that only hint at a secret (key, auth, credential...): masked when the value looks random,
// which a value with spaces or separators never does. Groups: head, word, opening quote, value.
export const WEAK_ASSIGNMENT_RE = new RegExp(
  `(\\b[A-Za-z0-9_.-]*?(${WEAK_WORDS})[A-Za-z0-9_]*["']?\\s*(?:=|:)\\s*)(["']?)([^\\s"',;&]{12,})`,
  'gi',
);

// What every match of the assignment patterns above contains: the word and the assignment operator.
// Only the names reaching one are tried (see replaceAnchored), not every position of the text.
export const STRONG_ANCHOR_RE = new RegExp(`(?:${STRONG_WORDS})[A-Za-z0-9_]*["']?\\s*[=:]`, 'gi');
export const WEAK_ANCHOR_RE = new RegExp(`(?:${WEAK_WORDS})[A-Za-z0-9_]*["']?\\s*[=:]`, 'gi');

/**
 * `--password X`, `--api-key=X`, `-storepass X`: a flag whose name ends in a secret word, then its
 * value (not another flag). `--no-password` and flags that merely mention the word
 * (`--password-stdin`, `--token-file`) are not followed by a secret.
 */
export const SECRET_FLAG_RE = new RegExp(
  `(?<![\\w-])(--?(?!no-)(?:[a-z0-9]+-)*(?:password|passwd|pass|passphrase|storepass|keypass|secret|token|api-?key|access-?key|secret-?key|private-?key)(?:\\s+|=))${VALUE}`,
  'gi',
);
// The words SECRET_FLAG_RE needs: a text without any is not scanned.
export const SECRET_FLAG_WORD_RE = /-(?:[a-z0-9]+-)*(?:pass|secret|token|api-?key|access-?key|secret-?key|private-?key|storepass|keypass)/i;

/**
 * `aws configure set aws_secret_access_key X`, `npm config set //host/:_authToken X`,
 * `git config user.password X`: a configuration command setting a secret-named key to a value
 * given after a space.
 */
export const CONFIG_SET_RE = new RegExp(
  `((?:\\bconfig(?:ure)?(?:\\s+|:)set|\\bgit\\s+config)\\s+(?:--?[\\w-]+\\s+)*[^\\s=]*?(?:${STRONG_WORDS})[^\\s=]*\\s+)${VALUE}`,
  'gi',
);

// The rest of one shell command: stops at a pipe, a `;` or `&` between commands, a line end.
const SAME_COMMAND = '[^\\n|;&]*?\\s';

/**
 * Passwords given to tools by a short flag, tied to the tool so that `-p` (a port, `mkdir -p`),
 * `-u` (`docker run -u 1000:1000`) and `-a` elsewhere stay as they are. Case-sensitive: `-P` is
 * mysql's port. Group 1 is kept, the value groups are masked.
 */
export const TOOL_PASSWORD_RULES: RegExp[] = [
  // mysql -pSECRET: the password is glued to the flag (`-p SECRET` would prompt and name a database).
  new RegExp(
    `(\\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlpump|mysqlsh|mariadb(?:-dump|-admin)?)\\b${SAME_COMMAND}-p)${VALUE}`,
    'g',
  ),
  // docker login -u user -p SECRET (and the registry clients that copy it).
  new RegExp(`(\\b(?:docker|podman|buildah|skopeo|nerdctl|helm|oras|crane)\\b${SAME_COMMAND}login\\b${SAME_COMMAND}-p\\s+)${VALUE}`, 'g'),
  new RegExp(`(\\bsshpass\\b${SAME_COMMAND}-p\\s*)${VALUE}`, 'g'),
  new RegExp(`(\\bredis-cli\\b${SAME_COMMAND}-a\\s+)${VALUE}`, 'g'),
];

/**
 * curl -u user:SECRET, --user "user:SECRET": only what follows the first colon is the password.
 * Groups: the kept head, its quote (empty when bare), the password.
 */
const CURL_USER = `\\bcurl\\b${SAME_COMMAND}(?:-u\\s*|--user[=\\s]+)`;
export const CURL_USER_RULES: RegExp[] = [
  new RegExp(`(${CURL_USER}(["'])[^\\s:"']+:)([^\\n"']+)(?=\\2)`, 'g'),
  new RegExp(`(${CURL_USER}()[^\\s:"']+:)([^\\s"']+)`, 'g'),
];
// What every match of TOOL_PASSWORD_RULES and CURL_USER_RULES holds, a flag and a tool name: a
// text without both is not scanned (the flag test first, it fails on most lines and is cheaper).
export const TOOL_FLAG_RE = /\s-[pau]|--user/;
export const TOOL_WORD_RE = /mysql|mariadb|docker|podman|buildah|skopeo|nerdctl|helm|oras|crane|sshpass|redis-cli|curl/;
