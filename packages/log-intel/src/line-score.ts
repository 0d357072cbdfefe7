import { BENIGN_RE, BOILERPLATE_RE, FAILURE_PATTERNS, isHotLine, NOISE_RE, WARNING_SHAPED_RE } from './failure-patterns';

export type TLineScore = { score: number; kind: string };

const NONE: TLineScore = { score: 0, kind: '' };

/** How strongly one normalised line states a failure, and of which family. */
export function scoreLine(text: string): TLineScore {
  if (text.length < 3 || !isHotLine(text)) return NONE;
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
  if (BENIGN_RE.test(text)) return best.score >= 10 && !/✓|✔|\bPASS(?:ED)?\b/.test(text) ? { score: 3, kind: best.kind } : NONE;
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
