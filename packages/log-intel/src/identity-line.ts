import { normalizeLine } from './normalize';
import { VOLATILE_RULES } from './volatile';

/**
 * The rules of {@link normalizeVolatile} that are about values, not names: timestamps, clock
 * times, UUIDs, hashes, memory addresses and durations. Its path and bare-number rules are
 * replaced below: comparing a log with its baseline may forget every digit and directory, but an
 * identity must keep what tells two failures apart (`bug60120.phpt` from `bug72294.phpt`,
 * `TS2304` from `TS2307`, `FooTest.java` from `BarTest.java`). A hash reads as a number does: a
 * short commit hash can be all digits (a 7-digit one in 27).
 */
const VALUE_RULES = VOLATILE_RULES.filter((r) => ['<ts>', '<time>', '<uuid>', '<hash>', '<addr>', '<dur>'].includes(r.by)).map((r) => ({
  re: r.re,
  by: r.by === '<hash>' ? '0' : r.by,
}));

// A URL keeps its host (what a network failure is about) and the last part of its path.
const URL_RE = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s'"]+)(?:\/[^\s'"]*?([^/\s'"]+))?\/?(?=[\s'"),\]]|$)/gi;
// A path keeps its last part: the directories before it are the workspace, the runner's build
// directory or a temporary directory, which change from run to run. A URL's `//host` stays.
const PATH_RE = /(?:(?<!\w)[A-Za-z]:)?(?:[\w.@+~$-]*[\\/])+([\w.@+~$-]+)[\\/]?/g;
// Java's default toString, `Foo@1b2c3d4`: the hash is per object and run, and may be all digits.
const IDENTITY_HASH_RE = /(?<=[\w$]@)[0-9a-f]{1,8}\b/g;
// pytest-xdist and similar runners prefix results with the worker that ran them.
const WORKER_RE = /\[gw\d+\]/g;
// Temporary names: `tmpk3j4h5g6` (Python), `tmp.Xa81bQ0fZk` (mktemp).
const TEMP_NAME_RE = /\btmp[._-]?[A-Za-z0-9_]{5,}/g;
const WORD_RE = /\w+/g;
const DIGITS_RE = /\d+/g;
/** Digit runs this long are ids, seeds or epoch times even inside a name (`junit3958372914`). */
const LONG_DIGITS = 8;

/**
 * One failure line as it identifies a failure: what changes from run to run is replaced (times,
 * durations, ids, hashes, addresses, ports, line numbers, counts, temporary and workspace paths),
 * what names the failure is kept (file names, test names, error codes, symbols, messages).
 */
export function identityLine(raw: string): string {
  let text = normalizeLine(raw).text.replace(IDENTITY_HASH_RE, '0');
  for (const rule of VALUE_RULES) text = text.replace(rule.re, rule.by);
  text = text
    .replace(
      URL_RE,
      (_m, scheme: string, host: string, last: string | undefined) => `${scheme}${host}${last === undefined ? '' : ` …${last}`}`,
    )
    .replace(PATH_RE, (m: string, last: string) => (/^\/\/[^/]/.test(m) ? m : last))
    .replace(WORKER_RE, '[gw]')
    .replace(TEMP_NAME_RE, '<tmp>')
    .replace(WORD_RE, wordIdentity);
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Numbers are values (counts, ports, pids, line numbers, seeds) unless they are part of a name:
 * a word that starts with a letter or `_` keeps its digits (`py27`, `test_case_2`, `E0308`), but
 * not very long runs of them. Random names that mix digits and letters are replaced whole.
 */
function wordIdentity(word: string): string {
  const first = word.charCodeAt(0);
  const startsWithDigit = first >= 48 && first <= 57;
  if (startsWithDigit) return word.replace(DIGITS_RE, '0');
  if (looksRandom(word)) return '<rand>';
  return word.replace(DIGITS_RE, (d) => (d.length >= LONG_DIGITS ? '0' : d));
}

/** A letters-and-digits word of 8+ characters whose digits come in 3+ separate runs (`a8x3k2q1`). */
function looksRandom(word: string): boolean {
  if (word.length < 8 || word.includes('_')) return false;
  return (word.match(DIGITS_RE)?.length ?? 0) >= 3;
}
