import type { TCategory } from '@cia/contracts';

export const TEMPLATE_KINDS = ['build', 'test', 'deployment', 'dependency', 'infrastructure', 'generic'] as const;
export type TTemplateKind = (typeof TEMPLATE_KINDS)[number];

/** What to look at first for each kind of failure. */
export const ERROR_TEMPLATES: Readonly<Record<TTemplateKind, { title: string; focus: readonly string[] }>> = Object.freeze({
  build: {
    title: 'Build failure',
    focus: [
      'Find the first compiler, bundler or type-checker error; later errors are often consequences.',
      'Check toolchain and base image versions against what the project expects (CI config image, lockfiles).',
      'Look for files or symbols the commit renamed or removed, and generated code that was not regenerated.',
      'For Docker builds, name the failing instruction and whether the build context or cache is involved.',
    ],
  },
  test: {
    title: 'Test failure',
    focus: [
      'Name the failing tests and the assertion or exception of each, with expected and actual values.',
      'Tell a real regression (the commit changed the code under test) from an environment problem (missing service, ports, time zone, locale).',
      'Judge flakiness from evidence: timeouts, order dependence, shared state, network calls, retries.',
      'Use the test report when present; it is more precise than the log.',
    ],
  },
  deployment: {
    title: 'Deployment failure',
    focus: [
      'Identify the target (environment, cluster, registry, cloud account) and the failing command.',
      'Check authentication and permissions (expired or missing credentials, protected variables on unprotected refs) without asking for secret values.',
      'Look for manifest, chart or infrastructure-as-code validation errors, quotas and rollouts that did not become ready.',
      'Say whether re-running is safe or could leave the environment half-deployed.',
    ],
  },
  dependency: {
    title: 'Dependency failure',
    focus: [
      'Name the package, the requested version range and what the resolver found instead.',
      'Check lockfile drift (lockfile not updated with the manifest), peer dependency conflicts, yanked or unpublished versions.',
      'Tell registry problems (authentication, rate limits, outages, proxies) from real conflicts.',
      'Prefer a pinned, reproducible fix over disabling checks (no --force or --legacy-peer-deps without saying the risk).',
    ],
  },
  infrastructure: {
    title: 'Infrastructure failure',
    focus: [
      'Look for runner, executor and Docker daemon errors, disk space, memory (OOM killer, exit code 137), DNS and network errors, job timeouts.',
      "Say whether the failure is outside the project's code and whether a retry is likely to pass.",
      'Point at runner tags, resource requests, service containers, caches and artifacts when involved.',
    ],
  },
  generic: {
    title: 'Failure of an unknown kind',
    focus: [
      'Find the first line that reports an error and the command that produced it (the last command before "ERROR: Job failed").',
      'Relate it to what the commit changed when the commit context says so.',
      'If the excerpt does not show the cause, say what is missing and how to get it.',
    ],
  },
});

const BY_CATEGORY: Partial<Record<TCategory, TTemplateKind>> = {
  build: 'build',
  lint: 'test',
  test: 'test',
  dependency: 'dependency',
  deployment: 'deployment',
  configuration: 'generic',
  infrastructure: 'infrastructure',
  timeout: 'infrastructure',
  out_of_memory: 'infrastructure',
  network: 'infrastructure',
};

const BY_FAILURE_REASON: Record<string, TTemplateKind> = {
  runner_system_failure: 'infrastructure',
  stuck_or_timeout_failure: 'infrastructure',
  job_execution_timeout: 'infrastructure',
  out_of_memory: 'infrastructure',
  api_failure: 'infrastructure',
  scheduler_failure: 'infrastructure',
  data_integrity_failure: 'infrastructure',
};

/** Picks the template for one failed job from a rule's category, GitLab's failure reason, then its stage and name. */
export function selectTemplateKind(
  job: { name: string; stage: string; failure_reason?: string | null },
  category?: TCategory,
): TTemplateKind {
  const byCategory = category ? BY_CATEGORY[category] : undefined;
  if (byCategory) return byCategory;
  const byReason = job.failure_reason ? BY_FAILURE_REASON[job.failure_reason] : undefined;
  if (byReason) return byReason;
  const words = `${job.stage} ${job.name}`.toLowerCase();
  if (/deploy|release|publish|rollout|provision/.test(words)) return 'deployment';
  if (/test|spec|lint|check|e2e|qa/.test(words)) return 'test';
  if (/install|deps|dependenc|bundle|restore/.test(words)) return 'dependency';
  if (/build|compile|package|assemble|image/.test(words)) return 'build';
  return 'generic';
}

/** Renders the guidance of the given kinds (each once) for the prompt. */
export function renderTemplates(kinds: readonly TTemplateKind[]): string {
  const unique = [...new Set(kinds.length > 0 ? kinds : (['generic'] as const))];
  return unique
    .map((kind) => {
      const t = ERROR_TEMPLATES[kind];
      return `### ${t.title}\n${t.focus.map((f) => `- ${f}`).join('\n')}`;
    })
    .join('\n\n');
}
