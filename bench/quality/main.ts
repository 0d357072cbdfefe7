/**
 * `npm run bench -- quality --dataset DIR [--baseline] [--out FILE]`: excerpts every log of a
 * labelled data set (a `cases.jsonl` of `{"log": ..., "pass_log"?: ...}`, as LogChunks and the
 * BugSwarm pairs have) and prints one `{"file", "excerpt"}` line per case, the input of
 * `/work/shared/tools/score-excerpts.py DIR FILE`. With `--baseline`, a case's `pass_log` (the
 * passing run of the same job) is given as the baseline. Runs in one process, so a whole data set
 * takes seconds.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { excerptLog } from '@cia/log-intel';

type TCase = { log: string; pass_log?: string };

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dataset = argValue(args, '--dataset');
  if (dataset === undefined) {
    process.stderr.write('usage: npm run bench -- quality --dataset DIR [--baseline] [--out FILE]\n');
    process.exit(2);
  }
  const withBaseline = args.includes('--baseline');
  const outFile = argValue(args, '--out');
  const out = outFile === undefined ? process.stdout : createWriteStream(outFile);
  const cases = readFileSync(join(dataset, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as TCase);
  for (const c of cases) {
    const file = join(dataset, c.log);
    const baseline = withBaseline && c.pass_log !== undefined ? createReadStream(join(dataset, c.pass_log)) : undefined;
    const excerpt = await excerptLog(createReadStream(file), baseline === undefined ? {} : { baseline });
    out.write(`${JSON.stringify({ file, excerpt: excerpt.lines.map((l) => l.text) })}\n`);
  }
  if (out !== process.stdout) out.end();
}

void main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
