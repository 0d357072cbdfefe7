import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** A mistake in what the user asked for: the command reports it and exits 2. */
export class UsageError extends Error {}

/** One log to read: the path as the user gave it, and its own passing run when the manifest names one. */
export type TLogInputFile = { file: string; baseline?: string };

/** `npm run cli` runs from the repository root; npm keeps the user's directory in INIT_CWD. */
export function resolveUserPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

/**
 * Reads a `--pairs` manifest: one `{"file": PATH, "baseline": PATH}` a line (`baseline` optional),
 * paths relative to the user's directory like positional arguments. A bad line is a usage error
 * naming the line, before any log is read.
 */
export async function readPairsManifest(manifest: string): Promise<TLogInputFile[]> {
  const text = await readFile(resolveUserPath(manifest), 'utf8').catch((err: Error) => {
    throw new UsageError(`cannot read --pairs ${manifest}: ${err.message}`);
  });
  const entries: TLogInputFile[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const bad = (why: string) => new UsageError(`${manifest}:${i + 1}: ${why}`);
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw bad('not a JSON object');
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad('not a JSON object');
    const { file, baseline } = entry as Record<string, unknown>;
    if (typeof file !== 'string' || file === '') throw bad('"file" must be a non-empty string');
    if (baseline !== undefined && baseline !== null && (typeof baseline !== 'string' || baseline === ''))
      throw bad('"baseline" must be a path');
    entries.push(typeof baseline === 'string' ? { file, baseline } : { file });
  });
  return entries;
}

/** Positional files first, then the manifest's, in order; none at all is a usage error. */
export async function collectLogInputs(files: string[], pairs: string | undefined): Promise<TLogInputFile[]> {
  const inputs: TLogInputFile[] = files.map((file) => ({ file }));
  if (pairs !== undefined) inputs.push(...(await readPairsManifest(pairs)));
  if (inputs.length === 0) throw new UsageError('no log files: give FILE arguments or --pairs MANIFEST');
  return inputs;
}

/** Runs `work` over `items` with at most `limit` in flight, handing results back in input order. */
export async function mapOrdered<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
  emit: (r: R, item: T) => void,
): Promise<void> {
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
