import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Command } from 'commander';
import { analyzePipeline } from '@cia/ai';
import { loadConfig } from '@cia/config';
import type { TAnalysisResult } from '@cia/contracts';
import { classify, loadRules, type TExcerpt, type TRule } from '@cia/log-intel';
import { formatExcerpt } from './excerpt.command';
import { forEachLog, logCommand, type TLogCommandOptions } from './log-command';
import { resolveUserPath } from './log-inputs';

/** Files above this size report progress on stderr while they are read. */
const PROGRESS_MIN_BYTES = 20 * 1024 * 1024;

type TAnalyzeOptions = TLogCommandOptions & { json?: boolean; jsonl?: boolean; rules?: string };

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
  out.push(
    `Log:         ${file} (${excerpt.totalLines} lines${excerpt.sections.length ? `, sections: ${excerpt.sections.join(', ')}` : ''})`,
  );
  out.push(`Failure:     ${result.summary}`);
  out.push(
    `Category:    ${result.category}   severity: ${result.severity}   confidence: ${result.confidence.toFixed(2)}   (${result.source?.detail ?? ''})`,
  );
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
  process.stdout.write(`${out.join('\n')}\n${formatExcerpt(excerpt)}`);
}

export function registerAnalyzeCommand(program: Command): void {
  logCommand(program, 'analyze', 'offline analysis of local job logs: excerpt, matched rule, root cause and fixes')
    .option('--json', 'print the analysis result of one file as JSON')
    .option('--jsonl', 'one JSON line per file: {"file": ..., "result": {...}}')
    .option('--rules <dir>', 'directory of extra knowledge-base rule files (*.json)')
    .action(async (files: string[], opts: TAnalyzeOptions, command: Command) => {
      const rules = loadRules(opts.rules === undefined ? undefined : resolveUserPath(opts.rules));
      const quiet = (count: number) => opts.json === true || opts.jsonl === true || count > 1;
      await forEachLog(command, files, opts, {
        before: (count) => {
          if (opts.json && count > 1) command.error('error: --json prints one result; use --jsonl for several files');
        },
        work: async (job, count) => {
          const excerpt = await job.excerpt(quiet(count) ? undefined : await progressFor(job.input.file));
          return { excerpt, result: await analyzeLocalLog(path.basename(job.input.file), excerpt, rules) };
        },
        print: ({ excerpt, result }, file) => {
          if (opts.jsonl) process.stdout.write(`${JSON.stringify({ file, result })}\n`);
          else if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else printForPerson(file, excerpt, result);
        },
      });
    });
}
