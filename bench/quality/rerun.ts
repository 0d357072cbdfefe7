/**
 * Re-renders a CI log as a re-run of the same failure would print it. The data sets hold no
 * literal re-runs, so each change below rewrites what differs between two runs of one job on one
 * commit (or the same failure in the next pipeline), and nothing else:
 *
 * - timestamps:  ISO date-times and clock times get other (valid) values;
 * - durations:   `12.3 s`, `450ms`, `Time elapsed: 0.12 sec`, `took 3 min` get other values;
 * - ids:         numbers after `id`, `job`, `build`, `pipeline`, `run`... (4+ digits), epoch
 *                times (10, 13, 16 or 19 digits from 1), numbers of 6+ digits as path parts;
 * - hashes:      hex words of 7-64 characters with a digit and a letter (commits, containers,
 *                digests; not `#rrggbb` colours), Java identity hashes (`Foo@1b2c3d`), `0x`
 *                addresses and UUIDs;
 * - temp-dirs:   the random part of temporary paths (`/tmp/tmpk3j4h5g6`, `junit3958372914`,
 *                `pytest-12`, `%TEMP%\xyz123`);
 * - ports:       ports after `localhost`, `127.0.0.1`, `0.0.0.0`, `::1` and after `port`;
 * - seeds:       `seed=123`, `--seed 123`, `Randomized with seed 123`;
 * - pids:        `pid 123`, `PID: 123`, sanitizer `==123==`, `process 123`;
 * - log-length:  0-40 download/progress lines more or fewer near the start (cache hits and
 *                misses), which moves every later line number;
 * - parallel-order: a run of consecutive test results (`PASSED`, `ok`, `not ok`, `✓`,
 *                `--- FAIL:`, surefire's `Tests run: ... - in Class`...), each with the indented
 *                lines under it, in another order, as parallel workers finish in another order.
 *
 * Deterministic for a seed. Values are drawn afresh, so a change can also re-render a value
 * identically by chance (then it changed nothing, as in a real re-run).
 */

export type TRng = () => number;

/** mulberry32: a small seeded generator, so every figure can be reproduced. */
export function seededRng(seed: number): TRng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: TRng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const digits = (rng: TRng, n: number): string => Array.from({ length: n }, (_, i) => String(i === 0 ? int(rng, 1, 9) : int(rng, 0, 9))).join('');
const hex = (rng: TRng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(rng, 0, 15)]).join('');
const alnum = (rng: TRng, n: number): string => Array.from({ length: n }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[int(rng, 0, 35)]).join('');
const sameDecimals = (rng: TRng, value: string): string => {
  const decimals = value.includes('.') ? (value.split('.')[1]?.length ?? 0) : 0;
  return (rng() * 100).toFixed(decimals);
};

type TLineChange = (line: string, rng: TRng) => string;

const LINE_CHANGES: Record<string, TLineChange> = {
  timestamps: (line, rng) =>
    line
      .replace(/\b\d{4}-\d\d-\d\d([T ])\d\d:\d\d:\d\d/g, (_m, sep: string) => `20${int(rng, 10, 29)}-${pad(int(rng, 1, 12), 2)}-${pad(int(rng, 1, 28), 2)}${sep}${pad(int(rng, 0, 23), 2)}:${pad(int(rng, 0, 59), 2)}:${pad(int(rng, 0, 59), 2)}`)
      .replace(/(?<![\d-])\b\d\d:\d\d:\d\d\b/g, () => `${pad(int(rng, 0, 23), 2)}:${pad(int(rng, 0, 59), 2)}:${pad(int(rng, 0, 59), 2)}`),
  durations: (line, rng) =>
    line
      .replace(/\b(\d+(?:\.\d+)?)(\s?)(ms|s|sec|secs|seconds|min|mins|minutes)\b/g, (_m, v: string, sp: string, unit: string) => `${sameDecimals(rng, v)}${sp}${unit}`)
      .replace(/(Time elapsed:|Total time:|took|Finished in|Ran \d+ tests? in) (\d+(?:\.\d+)?)/g, (_m, what: string, v: string) => `${what} ${sameDecimals(rng, v)}`),
  ids: (line, rng) =>
    line
      .replace(/(\b(?:id|job|build|pipeline|run|task|container|session|request)s?\b[\s:=#/_-]*)(\d{4,})\b/gi, (_m, what: string, d: string) => `${what}${digits(rng, d.length)}`)
      .replace(/(?<![\w.#&+-])1\d{9}(?:\d{3}){0,3}(?![\w.])/g, (m) => `1${digits(rng, m.length - 1)}`)
      .replace(/(?<=\/)\d{6,}(?=\/|\b)/g, (m) => digits(rng, m.length)),
  hashes: (line, rng) =>
    line
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, () => `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`)
      .replace(/\b0x[0-9a-f]{4,}\b/gi, (m) => `0x${hex(rng, m.length - 2)}`)
      .replace(/(?<![#&])\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b/g, (m) => hex(rng, m.length))
      .replace(/(?<=[A-Za-z]@)[0-9a-f]{5,8}\b/g, (m) => hex(rng, m.length)),
  'temp-dirs': (line, rng) =>
    line
      .replace(/(\/tmp\/|\\Temp\\|\/var\/folders\/)(tmp[._-]?)?([A-Za-z0-9_]*\d[A-Za-z0-9_]*)/g, (_m, dir: string, prefix: string | undefined, name: string) => `${dir}${prefix ?? ''}${alnum(rng, name.length)}`)
      .replace(/\btmp[._-]?[a-z0-9_]{6,}/g, (m) => `tmp${alnum(rng, m.length - 3)}`)
      .replace(/\b(junit|surefire)(\d{6,})/g, (_m, what: string, d: string) => `${what}${digits(rng, d.length)}`)
      .replace(/(\/pytest-)(\d+)(?=\/)/g, (_m, what: string, d: string) => `${what}${digits(rng, d.length)}`),
  ports: (line, rng) =>
    line
      .replace(/(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]|::1):\d{2,5}\b/g, (_m, host: string) => `${host}:${int(rng, 1024, 65535)}`)
      .replace(/\b([Pp]ort:? )\d{4,5}\b/g, (_m, what: string) => `${what}${int(rng, 1024, 65535)}`),
  seeds: (line, rng) => line.replace(/(\bseed\w*(?:=|: ?| )|Randomized with seed )\d+/gi, (_m, what: string) => `${what}${int(rng, 1, 2 ** 31)}`),
  pids: (line, rng) =>
    line
      .replace(/\b(pid:? ?|PID:? ?|process )\d+/g, (_m, what: string) => `${what}${int(rng, 100, 99999)}`)
      .replace(/==\d+==/g, () => `==${int(rng, 100, 99999)}==`),
};

const TEST_RESULT_RE =
  /\s(?:PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)(?:\s+\[\s*\d+%\])?\s*$|^\s*(?:✓|✔|✗|✖|×|√)\s|^(?:PASS|FAIL) \S|^--- (?:PASS|FAIL|SKIP): |^(?:ok|not ok) \d|\.\.\. (?:ok|FAIL|ERROR|skipped)\b|^Tests run: \d+.* - in \S+$|^\[gw\d+\] /;

/**
 * Runs of consecutive test results, each shuffled (Fisher-Yates). A result moves with the
 * indented lines under it (a TAP YAML block, an assertion message): one worker writes them together.
 */
function shuffleTestResults(lines: string[], rng: TRng): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const units: string[][] = [];
    while (i < lines.length && TEST_RESULT_RE.test(lines[i] as string)) {
      const unit = [lines[i++] as string];
      while (i < lines.length && /^\s+\S/.test(lines[i] as string) && !TEST_RESULT_RE.test(lines[i] as string)) unit.push(lines[i++] as string);
      units.push(unit);
    }
    for (let k = units.length - 1; k > 0; k--) {
      const j = int(rng, 0, k);
      [units[k], units[j]] = [units[j] as string[], units[k] as string[]];
    }
    out.push(...units.flat());
    if (units.length === 0) out.push(lines[i++] as string);
  }
  return out;
}

/** Download lines a re-run prints more (cache miss) or fewer (cache hit), near the start. */
function changeLogLength(lines: string[], rng: TRng): string[] {
  const at = Math.floor(lines.length * 0.1);
  const added = Array.from({ length: int(rng, 0, 40) }, () => `Downloaded: https://repo.example.org/lib-${alnum(rng, 4)}.jar (${int(rng, 1, 900)} KB at ${int(rng, 100, 9000)} KB/sec)`);
  return [...lines.slice(0, at), ...added, ...lines.slice(at)];
}

export const RERUN_CHANGES = [...Object.keys(LINE_CHANGES), 'log-length', 'parallel-order'] as const;
export type TRerunChange = (typeof RERUN_CHANGES)[number];

/** The log as a re-run would print it, with the given changes (all by default). */
export function rerenderAsRerun(log: string, seed: number, changes: readonly TRerunChange[] = RERUN_CHANGES): string {
  const rng = seededRng(seed);
  let lines = log.split('\n');
  const lineChanges = changes.flatMap((c) => (LINE_CHANGES[c] === undefined ? [] : [LINE_CHANGES[c]]));
  if (lineChanges.length > 0) lines = lines.map((line) => lineChanges.reduce((l, change) => change(l, rng), line));
  if (changes.includes('parallel-order')) lines = shuffleTestResults(lines, rng);
  if (changes.includes('log-length')) lines = changeLogLength(lines, rng);
  return lines.join('\n');
}
