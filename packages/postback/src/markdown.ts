import { safeUrl } from '@cia/contracts';

/**
 * Text from logs and from a model goes into GitLab Markdown, where `@name` notifies people, `#1`,
 * `!2`, `~bug`, `%v1`, `&3`, `$4` and `[vulnerability:5]` become references (and "mentioned in"
 * notes on the issue or merge request named), a line starting with `/` is a quick action executed
 * on creation, `![](url)` loads an image from anywhere (a tracking pixel), `[text](url)` and bare
 * URLs become links, and HTML comments could fake our marker. These helpers keep such text inert:
 * URLs in text are shown as code (never links), brackets and HTML are escaped, and a zero-width
 * space after each sigil stops mentions and references.
 */

const ZERO_WIDTH_SPACE = '\u200b';
/** What GitLab autolinks: any `scheme://` and `www.` (the GFM extension). */
const URL_IN_TEXT = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>]*/gi;
/** Reference and mention sigils followed by what GitLab would read as a name or number. */
const SIGIL = /([@#!~%&$*[])(?=[\w."-])/g;
/** Inside a link GitLab resolves no references, but still notifies nobody only without `@`. */
const MENTION = /(@)(?=[\w."-])/g;

function escapePlain(text: string, sigils: RegExp): string {
  return text
    .replace(sigils, `$1${ZERO_WIDTH_SPACE}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([[\]])/g, '\\$1');
}

/** Plain text for a paragraph or list item: no mentions, references, links, images, quick actions or HTML. */
export function escapeText(text: string, sigils: RegExp = SIGIL): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    out += escapePlain(text.slice(last, match.index), sigils) + code(match[0]);
    last = match.index + match[0].length;
  }
  out += escapePlain(text.slice(last), sigils);
  return out
    .split('\n')
    .map((line) => (/^\s*\//.test(line) ? line.replace('/', '\\/') : line))
    .join('\n');
}

/** One line of text (list items and headings break on newlines). */
export function escapeInline(text: string, maxChars = 300): string {
  return escapeText(truncate(text.replace(/\s*\n\s*/g, ' '), maxChars));
}

/** The text of a link: GitLab's reference filters skip links, so `pipeline #77` stays as written. */
export function escapeLinkText(text: string): string {
  return escapeText(truncate(text.replace(/\s*\n\s*/g, ' '), 120), MENTION);
}

/** Inline code that survives backticks inside it. */
export function code(text: string): string {
  const single = text.replace(/\n/g, ' ');
  const longest = Math.max(0, ...(single.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = single.startsWith('`') || single.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${single}${pad}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the content (CommonMark). */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(0, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text.replace(/\n+$/, '')}\n${fence}`;
}

/** A link when the URL is allowed (see link-policy.ts in @cia/contracts), else the text alone. */
export function link(text: string, url: string | null | undefined, allowed: (url: string) => boolean): string {
  // `)` would end the markdown link early.
  const href = url && allowed(url) ? safeUrl(url)?.replace(/\)/g, '%29').replace(/ /g, '%20') : undefined;
  return href ? `[${escapeLinkText(text)}](${href})` : escapeLinkText(text);
}

export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}
