/**
 * Text from logs and from a model goes into GitLab Markdown, where `@name` notifies people, a line
 * starting with `/` is a quick action executed on creation, and HTML comments could fake our marker.
 * These helpers keep such text inert.
 */

const ZERO_WIDTH_SPACE = '\u200b';

/** Plain text for a paragraph or list item: no mentions, no quick actions, no HTML. */
export function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=[\w.-])/g, `@${ZERO_WIDTH_SPACE}`)
    .split('\n')
    .map((line) => (/^\s*\//.test(line) ? line.replace('/', '\\/') : line))
    .join('\n');
}

/** One line of text (list items and headings break on newlines). */
export function escapeInline(text: string, maxChars = 300): string {
  return escapeText(truncate(text.replace(/\s*\n\s*/g, ' '), maxChars));
}

export function escapeLinkText(text: string): string {
  return escapeInline(text, 120).replace(/([[\]])/g, '\\$1');
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

/** Only http(s) links; anything else is dropped rather than rendered. */
export function safeUrl(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString().replace(/\)/g, '%29').replace(/ /g, '%20') : undefined;
  } catch {
    return undefined;
  }
}

export function link(text: string, url: string | null | undefined): string {
  const href = safeUrl(url);
  return href ? `[${escapeLinkText(text)}](${href})` : escapeLinkText(text);
}

export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}
