import { BENIGN_RE, BOILERPLATE_RE, FAILURE_COUNT_RE, FAILURE_PATTERNS, isHotLine, NOISE_RE, WARNING_SHAPED_RE } from './failure-patterns';

export type TLineScore = { score: number; kind: string };

const NONE: TLineScore = { score: 0, kind: '' };

/**
 * What some runners put before every line: a timestamp (GitHub Actions' raw logs, Jenkins'
 * timestamper) and an annotation mark (`##[error]`, `::error file=...::`). Patterns match the rest.
 */
const LINE_PREFIX_RE =
  /^(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\]? )?(?:##\[(error|warning)\]|::(error|warning)\b[^:]*::)?/;
/** An annotation that marks its line as an error is failure evidence whatever the message says. */
const ANNOTATED_ERROR_SCORE = 7;

/** The line without a runner's timestamp and annotation mark, and the annotation's level. */
export function lineBody(text: string): { body: string; annotation: string | undefined } {
  const c = text.charCodeAt(0);
  // Only lines starting with a digit, '[', '#' or ':' can carry a prefix: the rest skip the regex.
  if (!((c >= 48 && c <= 57) || c === 91 || c === 35 || c === 58)) return { body: text, annotation: undefined };
  const m = LINE_PREFIX_RE.exec(text);
  if (m === null || m[0].length === 0) return { body: text, annotation: undefined };
  return { body: text.slice(m[0].length), annotation: m[1] ?? m[2] };
}

/** How strongly one normalised line states a failure, and of which family. */
export function scoreLine(text: string): TLineScore {
  if (text.length < 3 || !isHotLine(text)) return NONE;
  const { body, annotation } = lineBody(text);
  const own = scoreBody(body);
  if (annotation === 'error') return own.score >= ANNOTATED_ERROR_SCORE ? own : { score: ANNOTATED_ERROR_SCORE, kind: own.kind || 'job' };
  if (annotation === 'warning') return own.score > 1 ? { score: 1, kind: 'warning' } : own;
  return own;
}

function scoreBody(text: string): TLineScore {
  if (NOISE_RE.test(text)) return NONE;
  let best = NONE;
  let extra = 0;
  for (const p of FAILURE_PATTERNS) {
    if (p.score <= best.score && extra >= 2) continue;
    if (!p.re.test(text)) continue;
    if (p.score > best.score) {
      if (best.score > 0) extra = Math.min(2, extra + 1);
      best = { score: p.score, kind: p.kind };
    } else extra = Math.min(2, extra + 1);
  }
  if (best.score === 0 || BOILERPLATE_RE.test(text)) return NONE;
  if (WARNING_SHAPED_RE.test(text)) return { score: 1, kind: 'warning' };
  if (BENIGN_RE.test(text) && !FAILURE_COUNT_RE.test(text))
    return best.score >= 10 && !/✓|✔|\bPASS(?:ED)?\b/.test(text) ? { score: 3, kind: best.kind } : NONE;
  return { score: best.score + extra, kind: best.kind };
}

/**
 * The start of a step: a command echoed by the runner (`$ make test` on GitLab and Travis), a
 * GitHub Actions `##[group]Run`, a Jenkins `[Pipeline] sh`, an Azure Pipelines `Starting:` task.
 */
export const STEP_START_RE = /^\$ \S|^##\[group\]Run |^\[Pipeline\] (?:sh|bat|powershell|pwsh)\b|^Starting: /;
/** The runner (of any of the common CI systems) saying the step or job that just ran failed. */
export const STEP_FAILED_RE =
  /(?:^|\s)The command ".*" (?:failed and )?exited with [1-9]\d*|(?:^|\s)ERROR: Job failed|Process completed with exit code [1-9]|Script exited with (?:status|code) [1-9]|Command exited with non-zero status|Exited with code (?:exit status )?[1-9]|script returned exit code [1-9]|\bexited with code '?[1-9]|^Finished: FAILURE|^exit status [1-9]\d*$/;
