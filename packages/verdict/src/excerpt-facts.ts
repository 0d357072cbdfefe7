import type { TExcerptLine } from '@cia/contracts';
import { classify, normalizeLine, scoreLine } from '@cia/log-intel';
import type { TExcerptFacts, TInfraSignal } from './verdict.types';

/** Line families of the excerpter that are the code's own failures. */
const CODE_ERROR_KINDS = new Set(['test', 'compiler', 'lint']);
/** A line scoring this much states a failure (the excerpter's core score). */
const FAILURE_SCORE = 5;
const MAX_CODE_ERRORS = 5;
/**
 * The runner's own messages (`ERROR: Job failed: exit code 1`, `ERROR: Job failed: failed to pull
 * image ...`): they say that the job failed, never that the code did.
 */
const RUNNER_LINE_RE =
  /^(?:ERROR|WARNING): (?:Job failed|Preparation failed|Failed to pull image|Uploading artifacts|Downloading artifacts)|^Running with gitlab-runner|^Cleaning up /;
/** The more specific signal first: it names the headline. */
const SIGNAL_ORDER: TInfraSignal['kind'][] = ['runner_system', 'registry', 'disk_full', 'out_of_memory', 'network', 'timeout'];

/**
 * Knowledge-base rules (@cia/log-intel) whose match is a platform signal. Left out on purpose:
 * `connection-refused-in-tests` (usually the job's own service not started), `tls-certificate`
 * and the `*-auth` rules (configuration), `checkout-ref-missing` (a force-push, not an outage).
 */
const INFRA_RULES: Readonly<Record<string, TInfraSignal['kind']>> = {
  'runner-system-failure': 'runner_system',
  'disk-full': 'disk_full',
  'oom-killed': 'out_of_memory',
  'job-timeout': 'timeout',
  'network-unreachable': 'network',
  'http-connection-failed': 'network',
  'git-remote-unreachable': 'network',
  'docker-registry-unreachable': 'registry',
};

/** What the verdict needs from an excerpt: code errors, and platform signals with their evidence. */
export function readExcerptFacts(lines: readonly (TExcerptLine | string)[]): TExcerptFacts {
  const texts = lines.map((l) => normalizeLine(typeof l === 'string' ? l : l.text).text);
  const codeErrors = texts
    .filter((t) => {
      if (RUNNER_LINE_RE.test(t)) return false;
      const { score, kind } = scoreLine(t);
      return score >= FAILURE_SCORE && CODE_ERROR_KINDS.has(kind);
    })
    .slice(0, MAX_CODE_ERRORS);
  const infraSignals = new Map<string, TInfraSignal>();
  for (const match of classify(texts)) {
    const kind = INFRA_RULES[match.ruleId];
    if (kind === undefined || infraSignals.has(kind)) continue;
    const host = match.captures.registry ?? match.captures.host ?? hostOf(match.captures.url);
    infraSignals.set(kind, { kind, line: match.evidence[0]?.text, ...(host === undefined ? {} : { host }) });
  }
  const ordered = SIGNAL_ORDER.flatMap((k) => infraSignals.get(k) ?? []);
  return { codeErrors, infraSignals: ordered };
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
