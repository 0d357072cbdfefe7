const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** "3 min ago" style, for people scanning a list. */
export function formatAgo(iso: string, now: Date = new Date()): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < HOUR) return `${Math.round(s / MINUTE)} min ago`;
  if (s < DAY) return `${Math.round(s / HOUR)} h ago`;
  if (s < 30 * DAY) return `${Math.round(s / DAY)} d ago`;
  return formatUtc(iso).slice(0, 10);
}

export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-US');
}

export function shortSha(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 8) : '';
}

/** First sentence or line, for one-line root causes in lists. */
export function oneLine(text: string, max = 160): string {
  const line = text.split('\n')[0]?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
