import type { TExcerptLine } from '@cia/contracts';
import type { TRuleMatch } from '@cia/log-intel';
import type { TAnalysisInput, TInputFailedJob, TTestFailure } from '../analysis-input';
import type { TFailureGroup } from '../failure-groups';
import { truncateText } from '../token-budget';
import { fenceUntrusted } from './fence';

/**
 * Each builder renders one section of the user message. Facts we computed or GitLab's API gave
 * as structured fields (ids, names, statuses) are plain; free text written by people or programs
 * (titles, messages, logs, YAML) is fenced as untrusted.
 */
const oneLine = (s: string | null | undefined) => (s ?? '').replace(/[\r\n]+/g, ' ').slice(0, 300);

export function buildProjectContext(project: TAnalysisInput['project']): string {
  const lines = [`- id: ${project.id}`, `- path: ${oneLine(project.path) || 'unknown'}`];
  if (project.default_branch) lines.push(`- default branch: ${oneLine(project.default_branch)}`);
  if (project.languages && Object.keys(project.languages).length > 0) {
    const langs = Object.entries(project.languages)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([l, p]) => `${oneLine(l)} ${Math.round(p)}%`);
    lines.push(`- languages: ${langs.join(', ')}`);
  }
  return `## Project\n${lines.join('\n')}`;
}

export function buildPipelineContext(input: TAnalysisInput): string {
  const p = input.pipeline;
  const lines = [`- id: ${p.id}`, `- ref: ${oneLine(p.ref) || 'unknown'}`, `- sha: ${oneLine(p.sha) || 'unknown'}`];
  if (p.source) lines.push(`- source: ${oneLine(p.source)}`);
  if (p.duration != null) lines.push(`- duration: ${Math.round(p.duration)} s`);
  if (input.other_jobs && input.other_jobs.length > 0) {
    const counts = new Map<string, number>();
    for (const j of input.other_jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
    lines.push(`- other jobs: ${[...counts].map(([s, n]) => `${n} ${oneLine(s)}`).join(', ')}`);
    const passedSameStage = input.other_jobs.filter((j) => j.status === 'success' && input.failed_jobs.some((f) => f.stage === j.stage));
    if (passedSameStage.length > 0)
      lines.push(
        `- passed in the failed stages: ${passedSameStage
          .slice(0, 15)
          .map((j) => oneLine(j.name))
          .join(', ')}`,
      );
  }
  return `## Pipeline\n${lines.join('\n')}`;
}

export function buildCommitContext(commit: TAnalysisInput['commit'], maxTokens: number, nonce: string): string | null {
  if (!commit) return null;
  // GitLab's message starts with the title; send it once.
  const message = commit.message?.trim();
  const text =
    message && commit.title && message.startsWith(commit.title.trim()) ? message : [commit.title, message].filter(Boolean).join('\n\n');
  const parts = [`## Commit\n- sha: ${oneLine(commit.sha)}`];
  if (commit.author_name) parts.push(`- author: ${oneLine(commit.author_name)}`);
  if (commit.changed_files && commit.changed_files.length > 0) {
    const files = commit.changed_files.slice(0, 40).map(oneLine).join('\n');
    parts.push(
      fenceUntrusted(
        'changed files',
        files + (commit.changed_files.length > 40 ? `\n(+${commit.changed_files.length - 40} more)` : ''),
        nonce,
      ),
    );
  }
  if (text) parts.push(fenceUntrusted('commit message', truncateText(text, maxTokens), nonce));
  return parts.join('\n');
}

export function buildMergeRequestContext(mr: TAnalysisInput['merge_request'], maxTokens: number, nonce: string): string | null {
  if (!mr) return null;
  const parts = [`## Merge request !${mr.iid}`];
  if (mr.source_branch || mr.target_branch) parts.push(`- ${oneLine(mr.source_branch) || '?'} → ${oneLine(mr.target_branch) || '?'}`);
  const text = [mr.title, mr.description].filter(Boolean).join('\n\n');
  parts.push(fenceUntrusted('merge request title and description', truncateText(text, maxTokens), nonce));
  return parts.join('\n');
}

// extractJobDefinition joins a job and the templates it extends with blank lines; each part starts
// with its top-level key at the start of a line (nested lines are indented, comments start with #).
const TOP_LEVEL_BLOCK = /\n\n(?=[^\s#])/;

/**
 * The CI configuration. When the config was parsed (`ci_config_globals` set): its job-wide
 * keywords and the failed jobs' definitions, each block once (jobs of a project often extend the
 * same template). Otherwise the whole file, cut to the budget; failing that, the definitions.
 */
export function buildCiConfigContext(
  input: Pick<TAnalysisInput, 'ci_config' | 'ci_config_globals'>,
  groups: TFailureGroup[],
  maxTokens: number,
  nonce: string,
): string | null {
  if (maxTokens <= 0) return null;
  const definitions = groups.map((g) => g.lead.definition?.trim()).filter((d): d is string => !!d);
  if (input.ci_config_globals === undefined && input.ci_config && input.ci_config.trim() !== '') {
    return `## CI configuration (.gitlab-ci.yml)\n${fenceUntrusted('.gitlab-ci.yml', truncateText(input.ci_config, maxTokens), nonce)}`;
  }
  const blocks = new Set(
    [input.ci_config_globals?.trim() ?? '', ...definitions].flatMap((text) => text.split(TOP_LEVEL_BLOCK)).filter((b) => b.trim() !== ''),
  );
  if (blocks.size === 0) return null;
  const what = input.ci_config_globals ? "keywords for every job, and the failed jobs' definitions" : "the failed jobs' definitions";
  return `## CI configuration (.gitlab-ci.yml): ${what}\n${fenceUntrusted('.gitlab-ci.yml', truncateText([...blocks].join('\n\n'), maxTokens), nonce)}`;
}

function jobFacts(j: TInputFailedJob, pipelineId: number): string[] {
  const facts = [`job_id ${j.id}`, `name "${oneLine(j.name)}"`, `stage "${oneLine(j.stage)}"`];
  if (j.failure_reason) facts.push(`failure_reason ${oneLine(j.failure_reason)}`);
  if (j.allow_failure) facts.push('allow_failure');
  if (j.duration != null) facts.push(`ran ${Math.round(j.duration)} s`);
  if (j.image) facts.push(`image ${oneLine(j.image)}`);
  if (j.pipeline_id !== undefined && j.pipeline_id !== pipelineId) facts.push(`in child/downstream pipeline ${j.pipeline_id}`);
  if (j.log_truncated) facts.push('log cut before excerpting');
  return facts;
}

/** One row per failure; copies of a job that failed the same way are named on their lead's row. */
export function buildFailedJobsContext(groups: TFailureGroup[], pipelineId: number): string {
  const jobs = groups.reduce((n, g) => n + g.jobs.length, 0);
  const rows = groups.map((g) => {
    const copies = g.jobs
      .filter((j) => j !== g.lead)
      .map((j) => `job_id ${j.id} "${oneLine(j.name)}"${j.allow_failure ? ' (allow_failure)' : ''}`);
    return `- ${jobFacts(g.lead, pipelineId).join(', ')}${copies.length > 0 ? `; failed the same way (same failure lines, one excerpt below): ${copies.join(', ')}` : ''}`;
  });
  const distinct = groups.length < jobs ? `; ${groups.length} distinct failures` : '';
  return `## Failed jobs (${jobs}${distinct})\n${rows.join('\n')}`;
}

/** A failed test; the suite is left out when it is the job's name (GitLab names suites after jobs). */
function renderTestFailure(t: TTestFailure, jobName: string): string {
  const head = [t.suite === jobName ? null : t.suite, t.classname, t.name].filter(Boolean).join(' › ');
  const where = t.file ? ` (${t.file})` : '';
  const body = [t.message, t.trace, t.system_output].filter(Boolean).join('\n');
  return `* ${head}${where}${body ? `\n${body}` : ''}`;
}

const MAX_TESTS_PER_FAILURE = 30;

/** Failed tests by failure: the copies of one job usually fail the same tests, listed once. */
export function buildTestReportContext(input: TAnalysisInput, groups: TFailureGroup[], maxTokens: number, nonce: string): string | null {
  const perGroup = groups
    .map((g) => ({ g, tests: [...new Set(g.jobs.flatMap((j) => (j.test_failures ?? []).map((t) => renderTestFailure(t, j.name))))] }))
    .filter((x) => x.tests.length > 0);
  if (!input.test_summary && perGroup.length === 0) return null;
  const parts = ['## Test report'];
  const s = input.test_summary;
  if (s)
    parts.push(
      `- ${s.total} tests, ${s.failed} failed${s.errored ? `, ${s.errored} errored` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}`,
    );
  const share = perGroup.length > 0 ? Math.floor(maxTokens / perGroup.length) : 0;
  for (const { g, tests } of perGroup) {
    const text =
      tests.slice(0, MAX_TESTS_PER_FAILURE).join('\n') +
      (tests.length > MAX_TESTS_PER_FAILURE ? `\n(+${tests.length - MAX_TESTS_PER_FAILURE} more failed tests)` : '');
    const whose = g.jobs.length > 1 ? `job_id ${g.jobs.map((j) => j.id).join(', ')}` : `job_id ${g.lead.id}`;
    parts.push(`Failed tests of ${whose}:\n${fenceUntrusted(`test failures of job ${g.lead.id}`, truncateText(text, share), nonce)}`);
  }
  return parts.join('\n');
}

/** A failure's log excerpt (its lead job's) with line numbers. */
export function buildExcerptContext(group: TFailureGroup, lines: TExcerptLine[], nonce: string): string {
  const job = group.lead;
  const width = String(lines.at(-1)?.line ?? 1).length;
  const body =
    lines.length > 0 ? lines.map((l) => `${String(l.line).padStart(width)} | ${l.text}`).join('\n') : '(no log lines were available)';
  const omitted =
    lines.length < job.excerpt.length ? ` (${job.excerpt.length - lines.length} excerpt lines left out to fit the input budget)` : '';
  const copies =
    group.jobs.length > 1
      ? ` (also stands for job_id ${group.jobs
          .filter((j) => j !== job)
          .map((j) => j.id)
          .join(', ')}: same failure)`
      : '';
  return `## Job_id ${job.id} "${oneLine(job.name)}"${copies}\nLog excerpt${omitted}, each line "<line number> | <text>":\n${fenceUntrusted(`log of job ${job.id}`, body, nonce)}`;
}

const HINTS_PER_FAILURE = 2;
/** Weaker matches are mostly generic ("tests failed") and cost more tokens than they help. */
const MIN_HINT_CONFIDENCE = 0.5;

/** The strongest knowledge-base matches of each failure's lead job. */
export function buildRuleHintsContext(groups: TFailureGroup[], matches: { jobId: number; match: TRuleMatch }[]): string | null {
  const rows = groups.flatMap((g) =>
    matches
      .filter((m) => m.jobId === g.lead.id && m.match.confidence >= MIN_HINT_CONFIDENCE)
      .slice(0, HINTS_PER_FAILURE)
      .map(
        ({ match }) =>
          `- job_id ${g.lead.id}: rule "${match.ruleId}", category ${match.category}, confidence ${match.confidence.toFixed(2)}: ${match.rootCause}`,
      ),
  );
  if (rows.length === 0) return null;
  return `## Knowledge-base hints (pattern matches, confirm or reject them)\n${rows.join('\n')}`;
}
