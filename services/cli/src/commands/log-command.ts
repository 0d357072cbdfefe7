import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, secretValuesOf } from '@cia/config';
import { excerptLog, type TExcerpt, type TExcerptOptions } from '@cia/log-intel';
import { collectLogInputs, mapOrdered, resolveUserPath, UsageError, type TLogInputFile } from './log-inputs';

/** Files read at once: enough to keep the disk and the CPU busy, few enough for bounded memory. */
export const FILE_CONCURRENCY = 8;
export const READ_CHUNK_BYTES = 256 * 1024;

/** The options every command over job logs takes (see logCommand). */
export type TLogCommandOptions = { baseline?: string; pairs?: string; maxLines?: number; maxChars?: number; contextLines?: number };

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/**
 * A command over local job logs: FILE arguments, `--pairs`, `--baseline` and the excerpt budget.
 * Usage errors exit 2 (scripts tell them from a failed run, which exits 1).
 */
export function logCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .argument('[files...]', 'job log files')
    .option('--baseline <pass_log>', 'log of a passing run of the same job: lines also found there rank last')
    .option('--pairs <manifest>', 'JSON lines {"file": log, "baseline": pass_log}: more files, each with its own passing run')
    .option('--max-lines <n>', 'most lines per excerpt (default EXCERPT_MAX_LINES)', parsePositiveInt)
    .option('--max-chars <n>', 'most characters per excerpt (default EXCERPT_MAX_CHARS)', parsePositiveInt)
    .option('--context-lines <n>', 'context lines around failure blocks (default EXCERPT_CONTEXT_LINES)', parsePositiveInt)
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
}

function excerptOptionsFrom(opts: TLogCommandOptions): TExcerptOptions {
  const config = loadConfig();
  return {
    maxLines: opts.maxLines ?? config.EXCERPT_MAX_LINES,
    maxChars: opts.maxChars ?? config.EXCERPT_MAX_CHARS,
    contextLines: opts.contextLines ?? config.EXCERPT_CONTEXT_LINES,
    extraSecrets: secretValuesOf(config),
  };
}

/** Turns a bad `--pairs` manifest (or no input at all) into commander's usage error, exit 2. */
async function collectInputsOrExit(command: Command, files: string[], pairs: string | undefined): Promise<TLogInputFile[]> {
  try {
    return await collectLogInputs(files, pairs);
  } catch (err) {
    if (err instanceof UsageError) command.error(`error: ${err.message}`);
    throw err;
  }
}

/** One log to excerpt: its own passing run when the manifest names one, else the shared `--baseline` text (read once). */
export type TLogJob = { input: TLogInputFile; excerpt(through?: (log: NodeJS.ReadableStream) => NodeJS.ReadableStream): Promise<TExcerpt> };

async function excerptFile(
  input: TLogInputFile,
  options: TExcerptOptions & { baseline?: string },
  through: (log: NodeJS.ReadableStream) => NodeJS.ReadableStream = (log) => log,
): Promise<TExcerpt> {
  const stream = createReadStream(resolveUserPath(input.file), { highWaterMark: READ_CHUNK_BYTES });
  const own =
    input.baseline === undefined ? undefined : createReadStream(resolveUserPath(input.baseline), { highWaterMark: READ_CHUNK_BYTES });
  try {
    return await excerptLog(through(stream), own === undefined ? options : { ...options, baseline: own });
  } finally {
    stream.destroy();
    own?.destroy();
  }
}

/**
 * Runs `work` over every log the command was given, at most FILE_CONCURRENCY at once, and hands
 * each outcome to `print` in input order. A log that fails is reported on stderr and makes the
 * command exit 1; the others still run. `excerpt ... | head` closing stdout early ends it quietly.
 */
export async function forEachLog<R>(
  command: Command,
  files: string[],
  opts: TLogCommandOptions,
  steps: {
    /** Sees how many logs there are before any is read (to refuse an option that needs one). */
    before?: (count: number) => void;
    work: (job: TLogJob, count: number) => Promise<R>;
    print: (result: R, file: string, count: number) => void;
  },
): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const inputs = await collectInputsOrExit(command, files, opts.pairs);
  steps.before?.(inputs.length);
  const base = {
    ...excerptOptionsFrom(opts),
    baseline: opts.baseline === undefined ? undefined : await readFile(resolveUserPath(opts.baseline), 'utf8'),
  };
  let failed = 0;
  const attempt = async (input: TLogInputFile): Promise<{ ok: R } | { error: string }> => {
    try {
      return { ok: await steps.work({ input, excerpt: (through) => excerptFile(input, base, through) }, inputs.length) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  await mapOrdered(inputs, FILE_CONCURRENCY, attempt, (outcome, { file }) => {
    if ('ok' in outcome) return steps.print(outcome.ok, file, inputs.length);
    failed++;
    process.stderr.write(`${file}: ${outcome.error}\n`);
  });
  if (failed > 0) process.exitCode = 1;
}
