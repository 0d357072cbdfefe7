import {
  allowedDocumentationLinks,
  isAllowedLink,
  type TAnalysisResult,
  type TFailedJob,
  type TLinkPolicy,
  type TPipelineRef,
  type TProjectRef,
} from '@cia/contracts';
import { code, codeBlock, escapeInline, link, truncate } from './markdown';
import { jobEntries, jobListLabel, shownJobs, type TJobEntry } from './note-jobs';
import { renderVerdictLead } from './note-verdict';

/** GitLab refuses notes over 1,000,000 characters; a note people read should be far shorter. */
export const NOTE_MAX_CHARS = 12_000;
const MAX_SOLUTIONS = 3;
const MAX_STEPS = 6;
const MAX_COMMANDS = 8;
const MAX_JOBS = 10;
const MAX_EXCERPT_LINES = 12;
/** Jobs named in one entry of identical failures (the count says how many there are). */
const MAX_ENTRY_NAMES = 8;

/** A failed job as a note names it; its link and reason when known. */
export type TNoteJob = Pick<TFailedJob, 'id' | 'name' | 'stage'> & Partial<Pick<TFailedJob, 'web_url' | 'failure_reason'>>;

export type TNoteInput = {
  requestId: string;
  project: TProjectRef;
  pipeline: TPipelineRef;
  result: TAnalysisResult;
  jobs: TNoteJob[];
  resultsUrl?: string;
  provider?: string | null;
  model?: string | null;
  /** Which URLs may become links (GitLab, the results page, documentation hosts). */
  links: TLinkPolicy;
};

const SEVERITY_ICON: Record<TAnalysisResult['severity'], string> = {
  critical: ':rotating_light:',
  high: ':x:',
  medium: ':warning:',
  low: ':information_source:',
};

function linkTo(input: Pick<TNoteInput, 'links'>, text: string, url: string | null | undefined): string {
  return link(text, url, (candidate) => isAllowedLink(input.links, candidate));
}

function pipelineLabel(input: Pick<TNoteInput, 'links'>, pipeline: TPipelineRef): string {
  return linkTo(input, `pipeline #${pipeline.id}`, pipeline.url);
}

/** `nodejs.org/api/errors.html` for a documentation link. */
function docLabel(url: string): string {
  const u = new URL(url);
  return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
}

function sourceLabel(input: TNoteInput): string {
  const kind = input.result.source?.kind;
  if (kind === 'rules') return 'knowledge-base rules';
  if (kind === 'cache') return 'a stored analysis of the same failure';
  return [input.provider, input.model].filter(Boolean).join(' / ') || 'ci-analyst';
}

/** One entry per distinct failure: `[test 1/4](…), [test 2/4](…) (2 jobs, stage `test`)`, its reason and first finding. */
function renderJobs(input: TNoteInput, entries: TJobEntry[]): string[] {
  const lines = ['#### Failed jobs', ''];
  for (const { lead, jobs } of entries.slice(0, MAX_JOBS)) {
    const reason = lead.job.failure_reason ? ` — ${escapeInline(lead.job.failure_reason.replace(/_/g, ' '), 80)}` : '';
    const names = jobs.slice(0, MAX_ENTRY_NAMES).map(({ job }) => linkTo(input, job.name, job.web_url));
    const more = jobs.length > MAX_ENTRY_NAMES ? ', …' : '';
    const count = jobs.length > 1 ? `${jobs.length} jobs, ` : '';
    lines.push(`- ${names.join(', ')}${more} (${count}stage ${code(truncate(lead.job.stage, 60))})${reason}`);
    const finding = lead.finding?.findings[0];
    if (finding) lines.push(`  - ${escapeInline(finding, 240)}`);
  }
  const hidden = entries.slice(MAX_JOBS).reduce((n, entry) => n + entry.jobs.length, 0);
  if (hidden > 0) lines.push(`- … and ${hidden} more`);
  return lines;
}

function renderSolutions(result: TAnalysisResult, withCommands: boolean): string[] {
  if (result.solutions.length === 0) return [];
  const lines = ['#### Suggested fixes', ''];
  result.solutions.slice(0, MAX_SOLUTIONS).forEach((solution, i) => {
    lines.push(`${i + 1}. **${escapeInline(solution.title, 160)}**`);
    for (const step of solution.steps.slice(0, MAX_STEPS)) lines.push(`   - ${escapeInline(step, 300)}`);
    const commands = (solution.commands ?? []).slice(0, MAX_COMMANDS).map((c) => truncate(c, 300));
    if (withCommands && commands.length > 0) {
      lines.push(
        '',
        ...codeBlock(commands.join('\n'), 'shell')
          .split('\n')
          .map((l) => `   ${l}`),
      );
    }
  });
  return lines;
}

/** The last lines of up to 3 distinct failures: one excerpt for jobs that failed identically. */
function renderExcerpts(entries: TJobEntry[]): string[] {
  const lines: string[] = [];
  for (const { lead, jobs } of entries.filter((entry) => (entry.lead.finding?.excerpt.length ?? 0) > 0).slice(0, 3)) {
    const excerpt = (lead.finding?.excerpt ?? [])
      .slice(-MAX_EXCERPT_LINES)
      .map((l) => `${String(l.line).padStart(5)} | ${truncate(l.text, 200)}`);
    const label = jobListLabel(
      jobs.map(({ job }) => escapeInline(job.name, 80)),
      MAX_ENTRY_NAMES,
    );
    lines.push(`<details><summary>Log excerpt: ${label}</summary>`, '', codeBlock(excerpt.join('\n')), '', '</details>', '');
  }
  return lines;
}

type TDetail = 'full' | 'compact' | 'minimal';

/** The sections below the heading, shared by the failing and the fixed note. */
export function renderAnalysisSections(input: TNoteInput, detail: TDetail = 'full', withSummary = true): string {
  const { result } = input;
  const jobs = shownJobs(input);
  const entries = jobEntries(jobs);
  // Whose failure it is comes first: it decides whether the reader needs the rest at all.
  const lines: string[] = [
    ...renderVerdictLead(jobs, detail === 'minimal'),
    `**Root cause:** ${escapeInline(result.root_cause, detail === 'minimal' ? 400 : 1200)}`,
    '',
  ];
  if (withSummary && detail !== 'minimal' && result.summary !== result.root_cause) lines.push(escapeInline(result.summary, 800), '');
  if (result.flaky_suspected.suspected)
    lines.push(`:game_die: **Possibly flaky:** ${escapeInline(result.flaky_suspected.reason, 300)}`, '');
  lines.push(...renderSolutions(result, detail !== 'minimal'), '');
  lines.push(...renderJobs(input, entries), '');
  if (detail === 'full') lines.push(...renderExcerpts(entries));
  const facts = [
    `Confidence: **${Math.round(result.confidence * 100)}%**`,
    `category ${code(result.category)}`,
    `severity ${code(result.severity)}`,
    `analysed by ${escapeInline(sourceLabel(input), 80)}`,
  ];
  lines.push(facts.join(' · '));
  const docs = allowedDocumentationLinks(result.documentation_links, input.links.docHosts);
  if (detail !== 'minimal' && docs.length > 0)
    lines.push('', `Documentation: ${docs.map((url) => linkTo(input, docLabel(url), url)).join(' · ')}`);
  const links = [
    input.resultsUrl ? linkTo(input, 'Full analysis', input.resultsUrl) : undefined,
    pipelineLabel(input, input.pipeline),
  ].filter(Boolean);
  lines.push('', links.join(' · '));
  return lines.join('\n');
}

function fitting(render: (detail: TDetail) => string): string {
  for (const detail of ['full', 'compact', 'minimal'] as const) {
    const body = render(detail);
    if (body.length <= NOTE_MAX_CHARS) return body;
  }
  return truncate(render('minimal'), NOTE_MAX_CHARS);
}

/** The note for a failing pipeline (without the marker, which is added after masking). */
export function renderFailureNote(input: TNoteInput): string {
  const { result, pipeline } = input;
  return fitting((detail) =>
    [
      `### ${SEVERITY_ICON[result.severity]} ${pipelineLabel(input, pipeline)} failed: ${escapeInline(result.summary, 160)}`,
      '',
      // The heading carries the summary already.
      renderAnalysisSections(input, detail, input.result.summary.length > 160),
      '',
      `<sub>Posted by ci-analyst; this note is edited in place when the pipeline runs again.</sub>`,
    ].join('\n'),
  );
}

/** The same note once a later pipeline passed: the old analysis folded away. */
export function renderFixedNote(input: TNoteInput, fixedBy: { pipelineId: number; url?: string | null }): string {
  return fitting((detail) =>
    [
      `### :white_check_mark: Fixed: ${linkTo(input, `pipeline #${fixedBy.pipelineId}`, fixedBy.url)} passed`,
      '',
      `The failure reported here (${pipelineLabel(input, input.pipeline)}, ${code(input.result.category)}) no longer occurs.`,
      '',
      '<details><summary>Previous analysis</summary>',
      '',
      renderAnalysisSections(input, detail === 'full' ? 'compact' : detail),
      '',
      '</details>',
    ].join('\n'),
  );
}
