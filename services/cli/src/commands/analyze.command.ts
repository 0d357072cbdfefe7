import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Command } from 'commander';
import { analyzePipeline } from '@cia/ai';
import { loadConfig } from '@cia/config';
import type { TAnalysisResult } from '@cia/contracts';
import { classify, loadRules, type TExcerpt, type TRule } from '@cia/log-intel';
import {
  collectInputsOrExit,
  excerptFile,
  excerptOptionsFrom,
  exitOnUsageError,
  exitQuietlyOnClosedStdout,
  FILE_CONCURRENCY,
  parsePositiveInt,
  readSharedBaseline,
} from './excerpt.command';
import { mapOrdered, resolveUserPath, type TLogInputFile } from './log-inputs';

/** Files above this size report progress on stderr while they are read. */
const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;

type TAnalyzeOptions = { json?: boolean; jsonl?: boolean; baseline?: string; pairs?: string; rules?: string; maxLines?: number; maxChars?: number; contextLines?: number };

/** Counts bytes going through and reports every 10% on stderr; a read error ends it too. */
function createProgress(source: NodeJS.ReadableStream, totalBytes: number, label: string): NodeJS.ReadableStream {
  let seen = 0;
  let nextReport = 0.1;
  const progress = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen / totalBytes >= nextReport) {
        process.stderr.write(`${label}: read ${Math.floor((seen / totalBytes) * 100)}% (${(seen / 1048576).toFixed(0)} MB)\n`);
        nextReport += 0.1;
      }
      done(null, chunk);
    },
  });
  source.on('error', (err: Error) => progress.destroy(err));
  return source.pipe(progress);
}

/** A person waiting on one big file sees how far the read got; many files or JSON output stay quiet. */
async function progressFor(file: string): Promise<((log: NodeJS.ReadableStream) => NodeJS.ReadableStream) | undefined> {
  const size = (await stat(resolveUserPath(file))).size;
  return size >= PROGRESS_MIN_BYTES ? (log) => createProgress(log, size, path.basename(file)) : undefined;
}

/**
 * The same offline analysis the worker runs when no AI provider is configured (rules from the
 * knowledge base, else an honest "could not tell"), on one local log: classify, then analyze.
 */
export async function analyzeLocalLog(name: string, excerpt: TExcerpt, rules: TRule[]): Promise<TAnalysisResult> {
  const settings = { ...loadConfig(), DEFAULT_AI_PROVIDER: 'offline' as const, AI_FALLBACK_PROVIDERS: [] };
  const jobId = 0;
  const outcome = await analyzePipeline(
    {
      project: { id: 0, path: null },
      pipeline: { id: 0, ref: null, sha: null, url: null },
      failed_jobs: [{ id: jobId, name, stage: excerpt.sections.at(-1) ?? '', excerpt: excerpt.lines }],
    },
    { settings, ruleMatches: new Map([[jobId, classify(excerpt.lines, { rules })]]) },
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

type TFileAnalysis = { excerpt: TExcerpt; result: TAnalysisResult } | { error: string };

export function registerAnalyzeCommand(program: Command): void {
  exitOnUsageError(
    program
      .command('analyze')
      .description('offline analysis of local job logs: excerpt, matched rule, root cause and fixes')
      .argument('[files...]', 'job log files')
      .option('--json', 'print the analysis result of one file as JSON')
      .option('--jsonl', 'one JSON line per file: {"file": ..., "result": {...}}')
      .option('--baseline <pass_log>', 'log of a passing run of the same job')
      .option('--pairs <manifest>', 'JSON lines {"file": log, "baseline": pass_log}: more files, each with its own passing run')
      .option('--rules <dir>', 'directory of extra knowledge-base rule files (*.json)')
      .option('--max-lines <n>', 'most excerpt lines (default EXCERPT_MAX_LINES)', parsePositiveInt)
      .option('--max-chars <n>', 'most excerpt characters (default EXCERPT_MAX_CHARS)', parsePositiveInt)
      .option('--context-lines <n>', 'context lines around failure blocks', parsePositiveInt),
  ).action(async (files: string[], opts: TAnalyzeOptions, command: Command) => {
    exitQuietlyOnClosedStdout();
    const inputs = await collectInputsOrExit(command, files, opts.pairs);
    if (opts.json && inputs.length > 1) command.error('error: --json prints one result; use --jsonl for several files');
    const rules = loadRules(opts.rules === undefined ? undefined : resolveUserPath(opts.rules));
    const base = { ...excerptOptionsFrom(opts), baseline: await readSharedBaseline(opts.baseline) };
    const quiet = opts.json === true || opts.jsonl === true || inputs.length > 1;
    const analyzeFile = async (input: TLogInputFile): Promise<TFileAnalysis> => {
      try {
        const through = quiet ? undefined : await progressFor(input.file);
        const excerpt = await excerptFile(input, base, through);
        return { excerpt, result: await analyzeLocalLog(path.basename(input.file), excerpt, rules) };
      } catch (err) {
        return { error: (err as Error).message };
      }
    };
    let failed = 0;
    let printed = 0;
    await mapOrdered(inputs, FILE_CONCURRENCY, analyzeFile, (outcome, { file }) => {
      if (printed++ > 0 && !quiet) process.stdout.write('\n');
      if ('error' in outcome) {
        failed++;
        process.stderr.write(`${file}: ${outcome.error}\n`);
      } else if (opts.jsonl) process.stdout.write(`${JSON.stringify({ file, result: outcome.result })}\n`);
      else if (opts.json) process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
      else printForPerson(file, outcome.excerpt, outcome.result);
    });
    if (failed > 0) process.exitCode = 1;
  });
}
