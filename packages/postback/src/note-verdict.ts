import type { TJobVerdict, TVerdictKind } from '@cia/contracts';
import { escapeInline } from './markdown';
import { jobListLabel, type TShownJob } from './note-jobs';

/** What the reader must act on first: their own breakage, then main's, then the platform, then chance. */
const ACT_ORDER: readonly TVerdictKind[] = [
  'caused_by_change',
  'already_failing',
  'fixed_on_target',
  'infrastructure',
  'likely_flaky',
  'flaky_confirmed',
  'undetermined',
];
const MAX_VERDICT_LINES = 6;

/** One distinct verdict (same kind and headline) and the jobs it was given to. */
export type TVerdictLine = { verdict: TJobVerdict; jobs: TShownJob[] };

/** A verdict line as plain words; each renderer escapes and styles them (Markdown, Slack mrkdwn). */
export type TVerdictWords = {
  /** What the verdict is: the headline up to its first `: ` (`Already failing on main since …`). */
  lead: string;
  /** The rest of the headline and what to do (`not caused by this change`, `retry the job`). */
  rest: string;
  /** The jobs it applies to, when not every failed job shares it. */
  jobs: string[];
  jobCount: number;
};

/** The distinct verdicts of the failed jobs, most pressing first; empty for analyses stored before verdicts. */
export function verdictLines(jobs: TShownJob[]): TVerdictLine[] {
  const byHeadline = new Map<string, TVerdictLine>();
  for (const shown of jobs) {
    const verdict = shown.finding?.verdict;
    if (!verdict) continue;
    const key = `${verdict.kind}\n${verdict.headline}`;
    const line = byHeadline.get(key);
    if (line) line.jobs.push(shown);
    else byHeadline.set(key, { verdict, jobs: [shown] });
  }
  // Array.prototype.sort is stable: equal kinds keep the jobs' order.
  return [...byHeadline.values()].sort((a, b) => ACT_ORDER.indexOf(a.verdict.kind) - ACT_ORDER.indexOf(b.verdict.kind));
}

/**
 * The words of each line. "Safe to merge" is said only when every failed job has a verdict that
 * says so (a passing retry of that very job): one flaky shard passing on retry does not make a
 * merge request with another failure mergeable.
 */
export function verdictWords(lines: TVerdictLine[], jobCount: number): TVerdictWords[] {
  const covered = lines.reduce((n, line) => n + line.jobs.length, 0);
  const allSafe = covered === jobCount && lines.every((line) => line.verdict.safe_to_merge);
  const named = lines.length > 1 || covered < jobCount;
  return lines.map(({ verdict, jobs }) => {
    const split = verdict.headline.indexOf(': ');
    const lead = split > 0 ? verdict.headline.slice(0, split) : verdict.headline;
    const actions = [
      split > 0 ? verdict.headline.slice(split + 2) : '',
      verdict.retry_advised ? (jobs.length > 1 ? 'retry the jobs' : 'retry the job') : '',
      allSafe && verdict.safe_to_merge ? 'safe to merge' : '',
    ].filter((part) => part.length > 0);
    return { lead, rest: actions.join(', '), jobs: named ? jobs.map((j) => j.job.name) : [], jobCount: jobs.length };
  });
}

/**
 * The note's lead: one line per distinct verdict, as hostile text (headlines quote commit titles
 * and author names from GitLab): escaped like any other, no links, mentions or references.
 */
export function renderVerdictLead(jobs: TShownJob[], compact: boolean): string[] {
  const lines = verdictLines(jobs);
  if (lines.length === 0) return [];
  const maxChars = compact ? 160 : 300;
  const maxNames = compact ? 3 : 10;
  const words = verdictWords(lines, jobs.length);
  const rendered = words.slice(0, MAX_VERDICT_LINES).map((w) => {
    const rest = w.rest ? `: ${escapeInline(w.rest, maxChars)}` : '';
    const names =
      w.jobs.length > 0
        ? ` — ${jobListLabel(
            w.jobs.map((name) => escapeInline(name, 80)),
            maxNames,
          )}`
        : '';
    return `**${escapeInline(w.lead, maxChars)}**${rest}${names}`;
  });
  const hidden = words.slice(MAX_VERDICT_LINES).reduce((n, w) => n + w.jobCount, 0);
  if (hidden > 0) rendered.push(`… and ${hidden} more ${hidden === 1 ? 'job' : 'jobs'} with other verdicts`);
  const listed = words.some((w) => w.jobs.length > 0);
  return [...(listed ? rendered.map((line) => `- ${line}`) : rendered), ''];
}
