/**
 * Commands remembered by their text, and the longest remembered: enough for a script line and
 * the thousands of echoes of the tools it runs, a few megabytes at most whatever the log.
 */
const MAX_COMMANDS = 4_096;
const MAX_COMMAND_CHARS = 1_000;
/** A failed command named with the whole range it ran over: more would be a log of one endless step. */
const MAX_STEPS_PER_COMMAND = 10_000;

/** Travis names the command that failed; GitLab's `ERROR: Job failed` and most others do not. */
const NAMED_EXIT_RE = /(?:^|\s)The command "(.*)" (?:failed and )?exited with [1-9]/;

/**
 * Where a runner starts the commands it runs once the job's own have failed (or passed): GitLab's
 * `after_script` section, a Jenkins declarative pipeline's post actions. A step there is never
 * the one that failed, though the runner's exit line comes after it.
 */
const AFTER_PHASE_SECTION = 'after_script';
const JENKINS_POST_ACTIONS_RE = /^\[Pipeline\] \{ \(Declarative: Post Actions\)/;
/** A Jenkins stage starting: after post actions, the job's own steps again. */
const JENKINS_STAGE_RE = /^\[Pipeline\] \{ \(/;

/** The failed step an exit line points to, and where its own lines end (before any after phase). */
export type TFailedStep = { step: number; steps: number[]; startLine: number; endLine: number };

/**
 * The steps of a job log (a step starts where the runner echoes a command: `$ make test`) and
 * which of them failed. Two things make that more than "the last step":
 * - tools run inside a step echo their own `$ cmd` lines (yarn, npm scripts): when the runner
 *   names the command that failed (Travis), every step from that command's own echo to its exit
 *   line is part of it, not only the last inner echo;
 * - GitLab runs `after_script` after a failed script and only then says `ERROR: Job failed`
 *   (Jenkins its post actions before `ERROR: script returned exit code 1`): the failed step is the
 *   script's last, not a command of that after phase.
 */
export class StepTracker {
  /** The current step (0 before the first echoed command), and the line it started on. */
  private current = 0;
  private startLine = 0;
  private scriptStep = 0;
  private scriptStartLine = 0;
  /** Where the latest after phase began (0: none yet), and whether it still runs. */
  private afterLine = 0;
  private inAfter = false;
  private readonly firstStep = new Map<string, number>();
  /** The range of steps given last. */
  private given = { from: 0, to: -1 };

  get step(): number {
    return this.current;
  }

  /** A step started on `lineNo` with `body` (`$ cmd`, `##[group]Run ...`, `[Pipeline] sh`). */
  started(lineNo: number, body: string): void {
    this.current++;
    this.startLine = lineNo;
    if (!this.inAfter) {
      this.scriptStep = this.current;
      this.scriptStartLine = lineNo;
    }
    if (body.startsWith('$ ')) this.remember(body.slice(2).trim());
  }

  /** Follows the after phase: a line's body, and the section it opens if any. */
  phase(lineNo: number, body: string, sectionStart: string | undefined): void {
    if (sectionStart === AFTER_PHASE_SECTION || JENKINS_POST_ACTIONS_RE.test(body)) {
      this.afterLine = lineNo;
      this.inAfter = true;
    } else if (this.inAfter && JENKINS_STAGE_RE.test(body)) this.inAfter = false;
  }

  /**
   * The step an exit line on `lineNo` says failed, with the steps it spans less those an earlier
   * exit line already gave (a log repeating its exit lines costs no more than one).
   */
  failed(exitBody: string, lineNo: number): TFailedStep {
    const afterScript = this.afterLine > this.scriptStartLine;
    const current = afterScript ? this.scriptStep : this.current;
    const named = NAMED_EXIT_RE.exec(exitBody)?.[1];
    const from = named === undefined ? undefined : this.firstStep.get(named.trim());
    const first = from === undefined ? current : Math.max(from, current - MAX_STEPS_PER_COMMAND);
    const given = this.given;
    const start = first >= given.from && first <= given.to + 1 ? given.to + 1 : first;
    this.given = start === first ? { from: first, to: current } : { from: given.from, to: Math.max(given.to, current) };
    return {
      step: current,
      steps: Array.from({ length: Math.max(0, current - start + 1) }, (_, i) => start + i),
      startLine: afterScript ? this.scriptStartLine : this.startLine,
      endLine: afterScript ? this.afterLine : lineNo,
    };
  }

  private remember(command: string): void {
    if (command.length > MAX_COMMAND_CHARS) return;
    // Latest echo wins: a script line repeated later is a new run of it.
    this.firstStep.delete(command);
    this.firstStep.set(command, this.current);
    if (this.firstStep.size > MAX_COMMANDS) this.firstStep.delete(this.firstStep.keys().next().value as string);
  }
}
