import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Command } from 'commander';
import { analyzePipeline } from '@cia/ai';
import { loadConfig } from '@cia/config';
import type { TAnalysisResult } from '@cia/contracts';
import { excerptLog, loadRules, type TExcerpt, type TRule } from '@cia/log-intel';
import { excerptOptionsFrom, exitOnUsageError, exitQuietlyOnClosedStdout, parsePositiveInt, resolveUserPath } from './excerpt.command';

/** Files above this size report progress on stderr while they are read. */
const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;

type TAnalyzeOptions = { json?: boolean; baseline?: string; rules?: string; maxLines?: number; maxChars?: number; contextLines?: number };

/** Counts bytes going through and reports every 10% on stderr. */
function createProgress(totalBytes: number, label: string): Transform {
  let seen = 0;
  let nextReport = 0.1;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen / totalBytes >= nextReport) {
        process.stderr.write(`${label}: read ${Math.floor((seen / totalBytes) * 100)}% (${(seen / 1048576).toFixed(0)} MB)\n`);
        nextReport += 0.1;
      }
      done(null, chunk);
    },
  });
}

/**
 * The same offline analysis the worker runs when no AI provider is configured (rules from the
 * knowledge base, else an honest "could not tell"), on one local log.
 */
export async function analyzeLocalLog(name: string, excerpt: TExcerpt, rules: TRule[]): Promise<TAnalysisResult> {
  const settings = { ...loadConfig(), DEFAULT_AI_PROVIDER: 'offline' as const, AI_FALLBACK_PROVIDERS: [] };
  const outcome = await analyzePipeline(
    {
      project: { id: 0, path: null },
      pipeline: { id: 0, ref: null, sha: null, url: null },
      failed_jobs: [{ id: 0, name, stage: excerpt.sections.at(-1) ?? '', excerpt: excerpt.lines }],
    },
    { settings, rules },
  );
  return outcome.result;
}

function printForPerson(file: string, excerpt: TExcerpt, result: TAnalysisResult): void {
  const out: string[] = [];
  out.push(`Log:         ${file} (${excerpt.totalLines} lines${excerpt.sections.length ? `, sections: ${excerpt.sections.join(', ')}` : ''})`);
  out.push(`Failure:     ${result.summary}`);
  out.push(`Category:    ${result.category}   severity: ${result.severity}   confidence: ${result.confidence.toFixed(2)}   (${result.source?.detail ?? ''})`);
  out.push(`Root cause:  ${result.root_cause}`);
  if (result.flaky_suspected.suspected) out.push(`Flaky?       yes: ${result.flaky_suspected.reason}`);
  result.solutions.forEach((s, i) => {
    out.push(`Fix ${i + 1}:       ${s.title}`);
    for (const step of s.steps) out.push(`               - ${step}`);
    for (const c of s.commands ?? []) out.push(`               $ ${c}`);
    if (s.code) out.push(...s.code.split('\n').map((l) => `               | ${l}`));
  });
  for (const link of result.documentation_links) out.push(`Docs:        ${link}`);
  out.push(`Fingerprint: ${result.fingerprint}`);
  out.push('', `Excerpt (${excerpt.lines.length} of ${excerpt.totalLines} lines${excerpt.truncated ? ', cut to the budget' : ''}):`);
  const width = String(excerpt.totalLines).length;
  let prev = 0;
  for (const l of excerpt.lines) {
    if (prev !== 0 && l.line > prev + 1) out.push(`${' '.repeat(width)} ┆`);
    out.push(`${String(l.line).padStart(width)} │ ${l.text}`);
    prev = l.line;
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

export function registerAnalyzeCommand(program: Command): void {
  exitOnUsageError(
    program
      .command('analyze')
      .description('offline analysis of a local job log: excerpt, matched rule, root cause and fixes')
      .argument('<file>', 'job log file')
      .option('--json', 'print the analysis result as JSON')
      .option('--baseline <pass_log>', 'log of a passing run of the same job')
      .option('--rules <dir>', 'directory of extra knowledge-base rule files (*.json)')
      .option('--max-lines <n>', 'most excerpt lines (default EXCERPT_MAX_LINES)', parsePositiveInt)
      .option('--max-chars <n>', 'most excerpt characters (default EXCERPT_MAX_CHARS)', parsePositiveInt)
      .option('--context-lines <n>', 'context lines around failure blocks', parsePositiveInt),
  ).action(async (file: string, opts: TAnalyzeOptions) => {
    exitQuietlyOnClosedStdout();
    const full = resolveUserPath(file);
    const size = (await stat(full)).size;
    const rules = loadRules(opts.rules === undefined ? undefined : resolveUserPath(opts.rules));
    let input: NodeJS.ReadableStream = createReadStream(full, { highWaterMark: 256 * 1024 });
    if (size >= PROGRESS_MIN_BYTES) input = input.pipe(createProgress(size, path.basename(file)));
    const excerpt = await excerptLog(input, {
      ...excerptOptionsFrom(opts),
      baseline: opts.baseline === undefined ? undefined : createReadStream(resolveUserPath(opts.baseline)),
    });
    const result = await analyzeLocalLog(path.basename(file), excerpt, rules);
    if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printForPerson(file, excerpt, result);
  });
}
