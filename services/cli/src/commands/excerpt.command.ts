import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, secretValuesOf } from '@cia/config';
import { excerptLog, type TExcerpt, type TExcerptOptions } from '@cia/log-intel';

/** Files read at once: enough to keep the disk and the CPU busy, few enough for bounded memory. */
const FILE_CONCURRENCY = 8;
const READ_CHUNK_BYTES = 256 * 1024;

type TExcerptCommandOptions = { jsonl?: boolean; baseline?: string; maxLines?: number; maxChars?: number; contextLines?: number };

/** `npm run cli` runs from the repository root; npm keeps the user's directory in INIT_CWD. */
export function resolveUserPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

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
    contextLines: opts.contextLines ?? config.GITLAB_LOG_CONTEXT_LINES,
    extraSecrets: secretValuesOf(config),
  };
}

/** Runs `work` over `items` with at most `limit` in flight, handing results back in input order. */
async function mapOrdered<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>, emit: (r: R, item: T) => void): Promise<void> {
  const results = new Map<number, R>();
  let next = 0;
  let emitted = 0;
  const flush = () => {
    while (results.has(emitted)) {
      emit(results.get(emitted) as R, items[emitted] as T);
      results.delete(emitted);
      emitted++;
    }
  };
  const runner = async () => {
    while (next < items.length) {
      const i = next++;
      results.set(i, await work(items[i] as T));
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
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
      .argument('<files...>', 'job log files')
      .option('--jsonl', 'one JSON line per file: {"file": ..., "excerpt": [lines]}')
      .option('--baseline <pass_log>', 'log of a passing run of the same job: lines also found there rank last')
      .option('--max-lines <n>', 'most lines per excerpt (default EXCERPT_MAX_LINES)', parsePositiveInt)
      .option('--max-chars <n>', 'most characters per excerpt (default EXCERPT_MAX_CHARS)', parsePositiveInt)
      .option('--context-lines <n>', 'context lines around failure blocks (default GITLAB_LOG_CONTEXT_LINES)', parsePositiveInt),
  ).action(async (files: string[], opts: TExcerptCommandOptions) => {
    exitQuietlyOnClosedStdout();
    // One passing log serves every file: read it once.
    const baseline = opts.baseline === undefined ? undefined : await readFile(resolveUserPath(opts.baseline), 'utf8');
    const base = { ...excerptOptionsFrom(opts), baseline };
    let failed = 0;
    await mapOrdered(
      files,
      FILE_CONCURRENCY,
      async (file) => {
        try {
          const stream = createReadStream(resolveUserPath(file), { highWaterMark: READ_CHUNK_BYTES });
          return { excerpt: await excerptLog(stream, base) };
        } catch (err) {
          return { error: (err as Error).message };
        }
      },
      (result, file) => {
        if ('error' in result) {
          failed++;
          process.stderr.write(`${file}: ${result.error}\n`);
          return;
        }
        if (opts.jsonl) {
          process.stdout.write(`${JSON.stringify({ file, excerpt: result.excerpt.lines.map((l) => l.text) })}\n`);
          return;
        }
        if (files.length > 1) process.stdout.write(`==> ${file} <==\n`);
        process.stdout.write(formatExcerpt(result.excerpt));
      },
    );
    if (failed > 0) process.exitCode = 1;
  });
}
