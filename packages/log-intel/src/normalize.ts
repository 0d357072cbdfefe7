/** What one raw log line becomes once terminal and CI-runner markup is removed. */
export type TNormalizedLine = {
  text: string;
  /** Section (GitLab section / Travis fold) opened on this line. */
  sectionStart?: string;
  /** Section closed on this line. */
  sectionEnd?: string;
};

// CSI (colours, cursor moves, erase), OSC (titles, hyperlinks) and the other escapes: keypad modes
// (`ESC =`, `ESC >`), character sets (`ESC ( B`), cursor save (`ESC 7`). Matching control
// characters is the point here.
// eslint-disable-next-line no-control-regex
export const ANSI_RE = /\x1b\[[0-9;?<>=!]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[ -/]*[0-~]/g;
const GITLAB_SECTION_RE = /section_(start|end):\d+:([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\r?/g;
const TRAVIS_FOLD_RE = /travis_fold:(start|end):([^\s\r]+)\r?/g;
const TRAVIS_TIME_RE = /travis_time:[a-z]+:[0-9a-f]+(?::[a-z]+=\d+(?:,[a-z]+=\d+)*)?\r?/g;
// The timestamp + stream prefix of GitLab's timestamped job logs (runner 17+): `2024-05-01T10:00:00.123456Z 01O+`.
const GITLAB_TIMESTAMP_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z \d{2}[OE]\+? ?/;

/**
 * Removes ANSI codes, `\r` progress redraws (only the last state is kept, as a terminal shows it),
 * GitLab section and Travis fold/time markers (keeping the section names) and GitLab timestamps.
 */
export function normalizeLine(raw: string): TNormalizedLine {
  let text = raw;
  if (text.endsWith('\r')) text = text.slice(0, -1);
  const out: TNormalizedLine = { text };
  if (text.length === 0) return out;
  if (text.charCodeAt(0) === 50 /* '2' */) text = text.replace(GITLAB_TIMESTAMP_RE, '');
  if (text.includes('\x1b')) text = text.replace(ANSI_RE, '');
  if (text.includes('section_')) {
    text = text.replace(GITLAB_SECTION_RE, (_m, kind: string, name: string) => {
      if (kind === 'start') out.sectionStart = name;
      else out.sectionEnd = name;
      return '';
    });
  }
  if (text.includes('travis_')) {
    text = text
      .replace(TRAVIS_FOLD_RE, (_m, kind: string, name: string) => {
        if (kind === 'start') out.sectionStart = name;
        else out.sectionEnd = name;
        return '';
      })
      .replace(TRAVIS_TIME_RE, '');
  }
  if (text.includes('\r')) text = lastRedraw(text);
  out.text = text;
  return out;
}

// Progress bars, spinners, counters and percentages: states a terminal overwrites.
const PROGRESS_RE = /\d+(?:\.\d+)?\s*%|\d+\s*\/\s*\d+|[=#>.·*-]{3,}|[⠀-⣿|/\\]\s*$|\b(?:eta|ETA)\b|[kKMG]i?B\/s|\d+(?:\.\d+)?\s*[kKMG]i?B\b/;

/**
 * A line redrawn with `\r`: progress states are dropped and the last state kept, as a terminal
 * shows it. Other `\r`-separated parts are kept, joined by a space: some tools use `\r` to hide
 * text from a terminal (a caller location, a prompt) that still says what failed.
 */
function lastRedraw(text: string): string {
  const parts = text.split('\r').filter((p) => p.trim().length > 0);
  const last = parts.at(-1);
  if (last === undefined) return '';
  const earlier = parts.slice(0, -1);
  const lastHead = last.trim().slice(0, 6);
  if (earlier.every((p) => PROGRESS_RE.test(p) || p.trim().slice(0, 6) === lastHead)) return last;
  return parts.join(' ');
}
