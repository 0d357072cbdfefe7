/**
 * `npm run bench -- mask [--samples 5] <dir...>`: runs the secret masker over every line of the
 * `*.log` files under the given directories (real CI logs, which hold few or no real secrets) and
 * prints how many spans it masked, by kind, with samples of what it masked: the false-positive
 * check of a masking rule. Also prints the masker's throughput on those lines.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSecretMasker } from '@cia/log-intel';

function logFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...logFiles(p));
    else if (name.endsWith('.log')) out.push(p);
  }
  return out;
}

const MASK_RE = /\[MASKED:([a-z_]+)\]/g;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** What the masker took out of a line: the part between the longest common prefix and suffix. */
function removedPart(original: string, masked: string): string {
  const a = original.replace(ANSI, '');
  let start = 0;
  while (start < a.length && start < masked.length && a[start] === masked[start]) start++;
  let end = 0;
  while (end < a.length - start && end < masked.length - start && a[a.length - 1 - end] === masked[masked.length - 1 - end]) end++;
  return a.slice(start, a.length - end).slice(0, 120);
}

function main(): void {
  const args = process.argv.slice(2);
  const samplesArg = args.indexOf('--samples');
  const samplesPerKind = samplesArg >= 0 ? Number(args[samplesArg + 1]) : 5;
  const dirs = args.filter((a, i) => !a.startsWith('--') && i !== samplesArg + 1);
  const mask = createSecretMasker();
  const byKind = new Map<string, { spans: number; removed: Map<string, number> }>();
  let bytes = 0;
  let lines = 0;
  let maskedLines = 0;
  let seconds = 0;
  for (const dir of dirs) {
    for (const file of logFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      bytes += Buffer.byteLength(text);
      const split = text.split('\n');
      lines += split.length;
      const started = process.hrtime.bigint();
      const masked = split.map(mask);
      seconds += Number(process.hrtime.bigint() - started) / 1e9;
      for (let i = 0; i < split.length; i++) {
        const out = masked[i] as string;
        if (out === split[i] || !out.includes('[MASKED:')) continue;
        maskedLines++;
        const removed = removedPart(split[i] as string, out);
        for (const m of out.matchAll(MASK_RE)) {
          const kind = m[1] as string;
          const entry = byKind.get(kind) ?? { spans: 0, removed: new Map<string, number>() };
          entry.spans++;
          entry.removed.set(removed, (entry.removed.get(removed) ?? 0) + 1);
          byKind.set(kind, entry);
        }
      }
    }
  }
  const spans = [...byKind.values()].reduce((n, e) => n + e.spans, 0);
  const report = {
    mb: Math.round(bytes / 1048576),
    lines,
    maskedLines,
    maskedSpans: spans,
    byKind: Object.fromEntries(
      [...byKind.entries()]
        .sort((a, b) => b[1].spans - a[1].spans)
        .map(([kind, e]) => [
          kind,
          { spans: e.spans, distinct: e.removed.size, top: [...e.removed.entries()].sort((a, b) => b[1] - a[1]).slice(0, samplesPerKind) },
        ]),
    ),
    maskerMbPerSecond: Math.round(bytes / 1048576 / seconds),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main();
