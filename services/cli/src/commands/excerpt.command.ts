import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, secretValuesOf } from '@cia/config';
import { excerptLog, type TExcerpt, type TExcerptOptions } from '@cia/log-intel';
import { collectLogInputs, mapOrdered, resolveUserPath, UsageError, type TLogInputFile } from './log-inputs';

/** Files read at once: enough to keep the disk and the CPU busy, few enough for bounded memory. */
export const FILE_CONCURRENCY = 8;
export const READ_CHUNK_BYTES = 256 * 1024;

type TExcerptCommandOptions = { jsonl?: boolean; baseline?: string; pairs?: string; maxLines?: number; maxChars?: number; contextLines?: number };

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** `excerpt ... | head` closes stdout early: that is the reader being done, not an error. */
export function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

/** Usage errors exit 2 (scripts tell them from a failed run, which exits 1). */
export function exitOnUsageError(command: Command): Command {
  return command.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

export function excerptOptionsFrom(opts: TExcerptCommandOptions): TExcerptOptions {
  const config = loadConfig();
  return {
    maxLines: opts.maxLines ?? config.EXCERPT_MAX_LINES,
    maxChars: opts.maxChars ?? config.EXCERPT_MAX_CHARS,
    contextLines: opts.contextLines ?? config.EXCERPT_CONTEXT_LINES,
    extraSecrets: secretValuesOf(config),
  };
}

/**
 * Excerpts one log file: against its own passing run when the manifest names one, else against
 * the shared `--baseline` text (read once for all files).
 */
export async function excerptFile(
  input: TLogInputFile,
  options: TExcerptOptions & { baseline?: string },
  through: (log: NodeJS.ReadableStream) => NodeJS.ReadableStream = (log) => log,
): Promise<TExcerpt> {
  const stream = createReadStream(resolveUserPath(input.file), { highWaterMark: READ_CHUNK_BYTES });
  const own = input.baseline === undefined ? undefined : createReadStream(resolveUserPath(input.baseline), { highWaterMark: READ_CHUNK_BYTES });
  try {
    return await excerptLog(through(stream), own === undefined ? options : { ...options, baseline: own });
  } finally {
    stream.destroy();
    own?.destroy();
  }
}

/** Reads the one `--baseline` every file without its own is compared with. */
export async function readSharedBaseline(file: string | undefined): Promise<string | undefined> {
  return file === undefined ? undefined : readFile(resolveUserPath(file), 'utf8');
}

/** Turns a bad `--pairs` manifest (or no input at all) into commander's usage error, exit 2. */
export async function collectInputsOrExit(command: Command, files: string[], pairs: string | undefined): Promise<TLogInputFile[]> {
  try {
    return await collectLogInputs(files, pairs);
  } catch (err) {
    if (err instanceof UsageError) command.error(`error: ${err.message}`);
    throw err;
  }
}

function formatExcerpt(excerpt: TExcerpt): string {
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
  exitOnUsageError(
    program
      .command('excerpt')
      .description('print the masked excerpt of each job log the analyzer would use')
      .argument('[files...]', 'job log files')
      .option('--jsonl', 'one JSON line per file: {"file": ..., "excerpt": [lines]}')
      .option('--baseline <pass_log>', 'log of a passing run of the same job: lines also found there rank last')
      .option('--pairs <manifest>', 'JSON lines {"file": log, "baseline": pass_log}: more files, each with its own passing run')
      .option('--max-lines <n>', 'most lines per excerpt (default EXCERPT_MAX_LINES)', parsePositiveInt)
      .option('--max-chars <n>', 'most characters per excerpt (default EXCERPT_MAX_CHARS)', parsePositiveInt)
      .option('--context-lines <n>', 'context lines around failure blocks (default EXCERPT_CONTEXT_LINES)', parsePositiveInt),
  ).action(async (files: string[], opts: TExcerptCommandOptions, command: Command) => {
    exitQuietlyOnClosedStdout();
    const inputs = await collectInputsOrExit(command, files, opts.pairs);
    // One passing log serves every file without its own: read it once.
    const base = { ...excerptOptionsFrom(opts), baseline: await readSharedBaseline(opts.baseline) };
    let failed = 0;
    await mapOrdered(
      inputs,
      FILE_CONCURRENCY,
      async (input) => {
        try {
          return { excerpt: await excerptFile(input, base) };
        } catch (err) {
          return { error: (err as Error).message };
        }
      },
      (result, { file }) => {
        if ('error' in result) {
          failed++;
          process.stderr.write(`${file}: ${result.error}\n`);
          return;
        }
        if (opts.jsonl) {
          process.stdout.write(`${JSON.stringify({ file, excerpt: result.excerpt.lines.map((l) => l.text) })}\n`);
          return;
        }
        if (inputs.length > 1) process.stdout.write(`==> ${file} <==\n`);
        process.stdout.write(formatExcerpt(result.excerpt));
      },
    );
    if (failed > 0) process.exitCode = 1;
  });
}
