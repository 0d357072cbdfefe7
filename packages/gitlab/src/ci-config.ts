import { isMap, isScalar, parseDocument, type Document } from 'yaml';
import { baseJobName } from '@cia/contracts';
import { normalizeArtifactPath } from './artifact-path';

export type TCiConfig = {
  /** Top-level keys and the source text of each (comments and `!reference` tags kept as written). */
  sections: Map<string, { text: string; value: unknown }>;
};

const MAX_DEFINITION_CHARS = 6000;

/**
 * Most pipelines of a project run the same `.gitlab-ci.yml` text (it changes far less often than
 * commits), and parsing it is one of the larger costs of an analysis: the last few parses are
 * kept, keyed by the text itself. Parsed configs are only read, never changed.
 */
const PARSED = new Map<string, TCiConfig | null>();
const PARSED_MAX = 16;

/** Parses a `.gitlab-ci.yml`; null when it is not a YAML mapping. Includes are not resolved. */
export function parseCiConfig(text: string): TCiConfig | null {
  if (PARSED.has(text)) return PARSED.get(text) as TCiConfig | null;
  const parsed = parseUncached(text);
  if (PARSED.size >= PARSED_MAX) PARSED.delete(PARSED.keys().next().value as string);
  PARSED.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): TCiConfig | null {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: false });
  } catch {
    return null;
  }
  if (doc.errors.length > 0 || !isMap(doc.contents)) return null;
  const sections = new Map<string, { text: string; value: unknown }>();
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key)) continue;
    const start = pair.key.range?.[0];
    const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
    const end = valueRange?.[1] ?? pair.key.range?.[1];
    if (start === undefined || end === undefined) continue;
    const value =
      pair.value && typeof (pair.value as { toJSON?: unknown }).toJSON === 'function'
        ? (pair.value as { toJSON(): unknown }).toJSON()
        : pair.value;
    sections.set(String(pair.key.value), { text: text.slice(start, end).trimEnd(), value });
  }
  return { sections };
}

// Generated jobs (`rspec 2/4`, `build: [linux, amd64]`) are defined under their base name.
export { baseJobName };

function extendsOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const ext = (value as Record<string, unknown>).extends;
  if (typeof ext === 'string') return [ext];
  return Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [];
}

/** The job's YAML as written, followed by the templates it `extends` (when defined in the same file). */
export function extractJobDefinition(config: TCiConfig, jobName: string): string | null {
  const section = config.sections.get(jobName) ?? config.sections.get(baseJobName(jobName));
  if (!section) return null;
  const parts = [section.text];
  const seen = new Set<string>();
  const queue = extendsOf(section.value);
  while (queue.length > 0 && seen.size < 5) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const parent = config.sections.get(name);
    if (!parent) continue;
    parts.push(parent.text);
    queue.push(...extendsOf(parent.value));
  }
  const text = parts.join('\n\n');
  return text.length > MAX_DEFINITION_CHARS ? `${text.slice(0, MAX_DEFINITION_CHARS)}\n# ... cut` : text;
}

/**
 * Top-level keywords that shape every job (GitLab's `default`, `variables`, `include` and the
 * older global `image`, `services`, `cache`, `before_script`, `after_script`), as written: with
 * each failed job's own definition, what an analysis needs of the config. `stages` and `workflow`
 * decide which jobs run, not how one fails. Null when the config has none.
 */
const JOB_WIDE_KEYWORDS = ['default', 'include', 'variables', 'image', 'services', 'cache', 'before_script', 'after_script'];

export function extractGlobalKeywords(config: TCiConfig): string | null {
  const parts = JOB_WIDE_KEYWORDS.flatMap((k) => {
    const section = config.sections.get(k);
    return section ? [section.text] : [];
  });
  const text = parts.join('\n\n');
  if (text.length === 0) return null;
  return text.length > MAX_DEFINITION_CHARS ? `${text.slice(0, MAX_DEFINITION_CHARS)}\n# ... cut` : text;
}

/** Plain paths (no globs or variables) of the job's `artifacts:reports:junit`, own or inherited. */
export function junitReportPaths(config: TCiConfig, jobName: string): string[] {
  const names = [jobName, baseJobName(jobName)];
  const visited = new Set<string>();
  while (names.length > 0) {
    const name = names.shift() as string;
    if (visited.has(name)) continue;
    visited.add(name);
    const value = config.sections.get(name)?.value;
    if (typeof value !== 'object' || value === null) continue;
    const reports = ((value as Record<string, unknown>).artifacts as Record<string, unknown> | undefined)?.reports as
      Record<string, unknown> | undefined;
    const junit = reports?.junit;
    const paths = typeof junit === 'string' ? [junit] : Array.isArray(junit) ? junit.filter((p): p is string => typeof p === 'string') : [];
    // Globs and variables cannot be asked for; paths leaving the archive must never be.
    if (paths.length > 0) return paths.filter((p) => !/[*?[\]{}$]/.test(p)).flatMap((p) => normalizeArtifactPath(p) ?? []);
    names.push(...extendsOf(value));
  }
  return [];
}
