import type { TExcerptLine } from '@cia/contracts';
import type { TRuleMatch } from '@cia/log-intel';
import type { TAnalysisInput, TInputFailedJob, TTestFailure } from '../analysis-input.schema';
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
  if (p.duration_s != null) lines.push(`- duration: ${Math.round(p.duration_s)} s`);
  if (input.other_jobs && input.other_jobs.length > 0) {
    const counts = new Map<string, number>();
    for (const j of input.other_jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
    lines.push(`- other jobs: ${[...counts].map(([s, n]) => `${n} ${oneLine(s)}`).join(', ')}`);
    const passedSameStage = input.other_jobs.filter((j) => j.status === 'success' && input.failed_jobs.some((f) => f.stage === j.stage));
    if (passedSameStage.length > 0) lines.push(`- passed in the failed stages: ${passedSameStage.slice(0, 15).map((j) => oneLine(j.name)).join(', ')}`);
  }
  return `## Pipeline\n${lines.join('\n')}`;
}

export function buildCommitContext(commit: TAnalysisInput['commit'], maxTokens: number, nonce: string): string | null {
  if (!commit) return null;
  // GitLab's message starts with the title; send it once.
  const message = commit.message?.trim();
  const text = message && commit.title && message.startsWith(commit.title.trim()) ? message : [commit.title, message].filter(Boolean).join('\n\n');
  const parts = [`## Commit\n- sha: ${oneLine(commit.sha)}`];
  if (commit.author_name) parts.push(`- author: ${oneLine(commit.author_name)}`);
  if (commit.changed_files && commit.changed_files.length > 0) {
    const files = commit.changed_files.slice(0, 40).map(oneLine).join('\n');
    parts.push(fenceUntrusted('changed files', files + (commit.changed_files.length > 40 ? `\n(+${commit.changed_files.length - 40} more)` : ''), nonce));
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

export function buildCiConfigContext(ciConfig: string | undefined, maxTokens: number, nonce: string): string | null {
  if (!ciConfig || ciConfig.trim() === '' || maxTokens <= 0) return null;
  return `## CI configuration (.gitlab-ci.yml)\n${fenceUntrusted('.gitlab-ci.yml', truncateText(ciConfig, maxTokens), nonce)}`;
}

export function buildFailedJobsContext(jobs: TInputFailedJob[]): string {
  const rows = jobs.map((j) => {
    const facts = [`job_id ${j.id}`, `name "${oneLine(j.name)}"`, `stage "${oneLine(j.stage)}"`];
    if (j.failure_reason) facts.push(`failure_reason ${oneLine(j.failure_reason)}`);
    if (j.allow_failure) facts.push('allow_failure');
    if (j.duration_s != null) facts.push(`ran ${Math.round(j.duration_s)} s`);
    if (j.image) facts.push(`image ${oneLine(j.image)}`);
    if (j.pipeline_id) facts.push(`in child/downstream pipeline ${j.pipeline_id}`);
    if (j.log_truncated) facts.push('log cut before excerpting');
    return `- ${facts.join(', ')}`;
  });
  return `## Failed jobs (${jobs.length})\n${rows.join('\n')}`;
}

function renderTestFailure(t: TTestFailure): string {
  const head = [t.suite, t.classname, t.name].filter(Boolean).join(' › ');
  const where = t.file ? ` (${t.file})` : '';
  const body = [t.message, t.trace, t.system_output].filter(Boolean).join('\n');
  return `* ${head}${where}${body ? `\n${body}` : ''}`;
}

export function buildTestReportContext(input: TAnalysisInput, maxTokens: number, nonce: string): string | null {
  const perJob = input.failed_jobs.filter((j) => (j.test_failures?.length ?? 0) > 0);
  if (!input.test_summary && perJob.length === 0) return null;
  const parts = ['## Test report'];
  const s = input.test_summary;
  if (s) parts.push(`- ${s.total} tests, ${s.failed} failed${s.errored ? `, ${s.errored} errored` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}`);
  const share = perJob.length > 0 ? Math.floor(maxTokens / perJob.length) : 0;
  for (const job of perJob) {
    const failures = job.test_failures ?? [];
    const text = failures.slice(0, 30).map(renderTestFailure).join('\n') + (failures.length > 30 ? `\n(+${failures.length - 30} more failed tests)` : '');
    parts.push(`Failed tests of job_id ${job.id}:\n${fenceUntrusted(`test failures of job ${job.id}`, truncateText(text, share), nonce)}`);
  }
  return parts.join('\n');
}

/** A job's YAML definition (when known) and its log excerpt with line numbers. */
export function buildExcerptContext(job: TInputFailedJob, lines: TExcerptLine[], nonce: string, definitionTokens = 300): string {
  const width = String(lines.at(-1)?.line ?? 1).length;
  const body = lines.length > 0 ? lines.map((l) => `${String(l.line).padStart(width)} | ${l.text}`).join('\n') : '(no log lines were available)';
  const omitted = lines.length < job.excerpt.length ? ` (${job.excerpt.length - lines.length} excerpt lines left out to fit the input budget)` : '';
  const definition = job.definition?.trim()
    ? `Definition in the CI config:\n${fenceUntrusted(`definition of job ${job.id}`, truncateText(job.definition, definitionTokens), nonce)}\n`
    : '';
  return `## Job_id ${job.id} "${oneLine(job.name)}"\n${definition}Log excerpt${omitted}, each line "<line number> | <text>":\n${fenceUntrusted(`log of job ${job.id}`, body, nonce)}`;
}

export function buildRuleHintsContext(matches: { jobId: number; match: TRuleMatch }[]): string | null {
  if (matches.length === 0) return null;
  const rows = matches.map(
    ({ jobId, match }) =>
      `- job_id ${jobId}: rule "${match.ruleId}" (${match.title}), category ${match.category}, confidence ${match.confidence.toFixed(2)}: ${match.rootCause}`,
  );
  return `## Knowledge-base hints (pattern matches, confirm or reject them)\n${rows.join('\n')}`;
}
