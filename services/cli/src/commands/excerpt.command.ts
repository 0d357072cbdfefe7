import type { Command } from 'commander';
import type { TExcerpt } from '@cia/log-intel';
import { forEachLog, logCommand, type TLogCommandOptions } from './log-command';

/** The excerpt's lines with their numbers, a `┆` where lines were left out. */
export function formatExcerpt(excerpt: TExcerpt): string {
  const width = String(excerpt.totalLines).length;
  let out = '';
  let prev = 0;
  for (const l of excerpt.lines) {
    if (prev !== 0 && l.line > prev + 1) out += `${' '.repeat(width)} ┆\n`;
    out += `${String(l.line).padStart(width)} │ ${l.text}\n`;
    prev = l.line;
  }
  return out;
}

export function registerExcerptCommand(program: Command): void {
  logCommand(program, 'excerpt', 'print the masked excerpt of each job log the analyzer would use')
    .option('--jsonl', 'one JSON line per file: {"file": ..., "excerpt": [lines]}')
    .action((files: string[], opts: TLogCommandOptions & { jsonl?: boolean }, command: Command) =>
      forEachLog(command, files, opts, {
        work: (job) => job.excerpt(),
        print: (excerpt, file, count) => {
          if (opts.jsonl) return void process.stdout.write(`${JSON.stringify({ file, excerpt: excerpt.lines.map((l) => l.text) })}\n`);
          if (count > 1) process.stdout.write(`==> ${file} <==\n`);
          process.stdout.write(formatExcerpt(excerpt));
        },
      }),
    );
}
