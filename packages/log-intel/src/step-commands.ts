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
 * Which steps a failed command ran over. A runner echoes each script line as `$ cmd`, and so do the
 * tools run inside it (yarn, make, npm scripts): their echoes start steps of their own. When the
 * runner names the command that failed, every step from that command's own echo to its exit line
 * is part of it, not only the last inner echo, so failure lines printed by an earlier inner tool
 * count as the failed step's.
 */
export class StepCommands {
  private readonly firstStep = new Map<string, number>();
  /** The range of steps returned last. */
  private given = { from: 0, to: -1 };

  /** A step started with `$ cmd` (the body of its line). */
  started(step: number, body: string): void {
    if (!body.startsWith('$ ')) return;
    const command = body.slice(2).trim();
    if (command.length > MAX_COMMAND_CHARS) return;
    // Latest echo wins: a script line repeated later is a new run of it.
    this.firstStep.delete(command);
    this.firstStep.set(command, step);
    if (this.firstStep.size > MAX_COMMANDS) this.firstStep.delete(this.firstStep.keys().next().value as string);
  }

  /**
   * The steps the command named by an exit line ran over, ending at `current` (just `current` when
   * it names none known), less those an earlier exit line already gave: a log repeating its exit
   * lines costs no more than one.
   */
  stepsOfFailure(exitBody: string, current: number): number[] {
    const named = NAMED_EXIT_RE.exec(exitBody)?.[1];
    const from = named === undefined ? undefined : this.firstStep.get(named.trim());
    const first = from === undefined ? current : Math.max(from, current - MAX_STEPS_PER_COMMAND);
    const given = this.given;
    const start = first >= given.from && first <= given.to + 1 ? given.to + 1 : first;
    this.given = start === first ? { from: first, to: current } : { from: given.from, to: Math.max(given.to, current) };
    return Array.from({ length: Math.max(0, current - start + 1) }, (_, i) => start + i);
  }
}
