/** Commands remembered by their text: enough for a job's own script lines, bounded whatever the log. */
const MAX_COMMANDS = 512;
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

  /** A step started with `$ cmd` (the body of its line). */
  started(step: number, body: string): void {
    if (!body.startsWith('$ ')) return;
    const command = body.slice(2).trim();
    // Latest echo wins: a script line repeated later is a new run of it.
    this.firstStep.delete(command);
    this.firstStep.set(command, step);
    if (this.firstStep.size > MAX_COMMANDS) this.firstStep.delete(this.firstStep.keys().next().value as string);
  }

  /** The steps the command named by an exit line ran over, ending at `current`; just `current` when it names none known. */
  stepsOfFailure(exitBody: string, current: number): number[] {
    const named = NAMED_EXIT_RE.exec(exitBody)?.[1];
    const from = named === undefined ? undefined : this.firstStep.get(named.trim());
    const first = from === undefined ? current : Math.max(from, current - MAX_STEPS_PER_COMMAND);
    return Array.from({ length: current - first + 1 }, (_, i) => first + i);
  }
}
