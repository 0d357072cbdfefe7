import type { TCategory, TExcerptLine, TSolution } from '@cia/contracts';
import type { TInputFailedJob } from './analysis-input';
import { logGap, type TLogGap } from './missing-log';
import type { TModelAnswer } from './model-answer.schema';
import type { TRuleHint } from './prompts/prompt-loader';

/** GitLab failure reasons that name the cause without reading the log. */
const FAILURE_REASONS: Record<string, { category: TCategory; cause: string }> = {
  job_execution_timeout: { category: 'timeout', cause: 'GitLab reports that the job ran longer than its timeout.' },
  runner_system_failure: { category: 'infrastructure', cause: 'GitLab reports a runner system failure outside the job script.' },
  stuck_or_timeout_failure: { category: 'infrastructure', cause: 'GitLab reports that no runner picked the job up in time.' },
  out_of_memory: { category: 'out_of_memory', cause: 'GitLab reports that the job ran out of memory.' },
  api_failure: { category: 'infrastructure', cause: 'GitLab reports that the runner could not talk to GitLab.' },
};

export type TOfflineAnswer = { answer: TModelAnswer; detail: string };

const pct = (c: number) => c.toFixed(2);
/** Matches this close to the best one are reported beside it. */
const LEADER_MARGIN = 0.1;

/** The rule's specific finding, as one sentence without a doubled full stop. */
function sentence(text: string): string {
  return `${text.replace(/[.\s]+$/, '')}.`;
}

/** What the rule found in this log, then what the failure is in general. */
function causeOf(match: TRuleHint['match']): string {
  return match.cause === undefined ? match.rootCause : `${sentence(match.cause)} ${match.rootCause}`;
}

function describeEvidence(lines: TExcerptLine[]): string[] {
  return lines.slice(0, 3).map((l) => `line ${l.line}: ${l.text.trim().slice(0, 200)}`);
}

function lastLines(lines: TExcerptLine[]): string[] {
  return lines.slice(-2).map((l) => `last excerpt line ${l.line}: ${l.text.trim().slice(0, 200)}`);
}

/** Each gap's solution once, in the order the jobs came. */
function gapSolutions(gaps: TLogGap[]): TSolution[] {
  return [...new Set(gaps.map((g) => g.solution))];
}

type TJobView = { job: TInputFailedJob; own: TRuleHint[]; gap: TLogGap | undefined; lines: TExcerptLine[] };

function findingsOf({ job, own, gap, lines }: TJobView): string[] {
  if (own.length > 0) {
    return own.flatMap(({ match }) => [
      `Rule "${match.ruleId}" (${match.title}) matched with confidence ${pct(match.confidence)}: ${causeOf(match)}`,
      ...describeEvidence(match.evidence),
    ]);
  }
  const reason = job.failure_reason ? FAILURE_REASONS[job.failure_reason] : undefined;
  if (gap) return [...(reason ? [reason.cause] : []), gap.finding];
  return [reason ? reason.cause : "No rule of the offline knowledge base matched this job's excerpt.", ...lastLines(lines)];
}

/** No rule matched any job: say so, and when logs were missing or empty, say exactly that. */
function unexplainedAnswer(views: TJobView[], failedJobs: TModelAnswer['failed_jobs']): TOfflineAnswer {
  const jobs = views.map((v) => v.job);
  const known = jobs.map((j) => (j.failure_reason ? FAILURE_REASONS[j.failure_reason] : undefined)).find(Boolean);
  const names = jobs.map((j) => j.name).join(', ') || 'none reported';
  const gaps = views.flatMap((v) => (v.gap ? [v] : []));
  const noLog = gaps.length > 0 && gaps.length === views.length;
  const readTheLog: TSolution = {
    title: 'Read the log at the first error',
    steps: [
      'Open the failed job in GitLab and find the first line reporting an error (the excerpt shows the lines that looked most relevant).',
      'Run the failing command locally with the same image and variables.',
    ],
  };
  const askAi: TSolution = {
    title: 'Let an AI provider analyse failures the rules do not know',
    steps: [
      "Set OPENAI_API_KEY, ANTHROPIC_API_KEY or AZURE_OPENAI_API_KEY (and DEFAULT_AI_PROVIDER) so unmatched failures get a model's analysis.",
    ],
  };
  const gapText = gaps.map((v) => `for job ${v.job.name}, ${(v.gap as TLogGap).short}`).join('; ');
  const gapFindings = [...new Set(gaps.map((v) => (v.gap as TLogGap).finding))].join(' ');
  return {
    detail: noLog
      ? `no log to analyse: ${gaps.map((v) => (v.gap as TLogGap).short).join('; ')}`
      : known
        ? 'no rule matched; GitLab failure reason used'
        : 'no rule matched: could not tell',
    answer: {
      summary: noLog
        ? `The offline analyzer could not tell why the pipeline failed: ${gapText}.`
        : `The offline analyzer could not tell why the pipeline failed: no rule of its knowledge base matched the excerpt of the failed job(s) (${names}).${gaps.length > 0 ? ` Also, ${gapText}.` : ''}`,
      root_cause: noLog
        ? `Unknown: there was no log to analyse. ${gapFindings}${known ? ` ${known.cause}` : ''}`
        : known
          ? `${known.cause} No rule of the knowledge base matched the log, so the underlying cause is not known.`
          : 'Unknown. No known failure pattern matched the log excerpt; the offline analyzer only recognises the patterns of its knowledge base and no AI model was asked.',
      category: known?.category ?? 'unknown',
      severity: 'medium',
      confidence: known ? 0.3 : 0,
      failed_jobs: failedJobs,
      solutions: noLog
        ? gapSolutions(gaps.map((v) => v.gap as TLogGap))
        : [readTheLog, askAi, ...gapSolutions(gaps.map((v) => v.gap as TLogGap))],
      prevention: [],
      flaky_suspected: { suspected: false, reason: 'No rule matched, so there is no evidence either way.' },
      documentation_links: [],
    },
  };
}

/**
 * The analysis the knowledge base alone can give. It never pretends: every statement names the
 * rule that produced it and its confidence, and without a match it says it could not tell, or
 * that there was no log to read and what to configure so there is one.
 */
export function analyzeOffline(jobs: TInputFailedJob[], matches: TRuleHint[], excerpts: Map<number, TExcerptLine[]>): TOfflineAnswer {
  const byJob = new Map<number, TRuleHint[]>();
  for (const m of matches) byJob.set(m.jobId, [...(byJob.get(m.jobId) ?? []), m]);
  const views: TJobView[] = jobs.map((job) => {
    const own = byJob.get(job.id) ?? [];
    return { job, own, gap: own.length > 0 ? undefined : logGap(job), lines: excerpts.get(job.id) ?? job.excerpt };
  });
  const failedJobs = views.map((v) => ({ job_id: v.job.id, findings: findingsOf(v) }));
  const ranked = [...matches].sort((a, b) => b.match.confidence - a.match.confidence);
  const best = ranked[0];
  if (!best) return unexplainedAnswer(views, failedJobs);

  const nameOf = (id: number) => jobs.find((j) => j.id === id)?.name ?? String(id);
  const unexplained = views.filter((v) => v.own.length === 0);
  const { match } = best;
  // Each job's strongest match explains it; weaker generic matches of the same lines only add noise.
  const leaders = ranked.filter(
    (m) => m === ranked.find((x) => x.jobId === m.jobId) || m.match.confidence >= match.confidence - LEADER_MARGIN,
  );
  const solutions: TSolution[] = [];
  for (const { match: m } of leaders) for (const s of m.solutions) if (!solutions.some((x) => x.title === s.title)) solutions.push(s);
  solutions.push(...gapSolutions(unexplained.flatMap((v) => v.gap ?? [])));
  const flaky = leaders.find((m) => m.match.flaky?.suspected)?.match.flaky;
  const otherRules = [...new Set(leaders.slice(1).map((m) => m.match.ruleId))].filter((id) => id !== match.ruleId);
  const caveat =
    unexplained.length > 0
      ? ` No rule matched job(s) ${unexplained.map((v) => (v.gap ? `${v.job.name} (${v.gap.short})` : v.job.name)).join(', ')}.`
      : '';
  return {
    detail: `rule ${match.ruleId} matched job ${nameOf(best.jobId)} with confidence ${pct(match.confidence)}`,
    answer: {
      summary: `${match.title} in job ${nameOf(best.jobId)}${match.cause === undefined ? '' : `: ${match.cause.replace(/[.\s]+$/, '')}`} (knowledge-base rule "${match.ruleId}", confidence ${pct(match.confidence)}).${otherRules.length > 0 ? ` Other rules matched: ${otherRules.join(', ')}.` : ''}${caveat}`,
      root_cause: `${causeOf(match)} (Offline analysis: rule "${match.ruleId}" matched with confidence ${pct(match.confidence)}; no AI model was asked.)`,
      category: match.category,
      severity: match.severity,
      confidence: Math.round(match.confidence * ((jobs.length - unexplained.length) / Math.max(1, jobs.length)) * 100) / 100,
      failed_jobs: failedJobs,
      solutions,
      prevention: [],
      flaky_suspected: flaky ?? { suspected: false, reason: 'No matched rule marks this failure as flaky.' },
      documentation_links: [...new Set(leaders.flatMap((m) => m.match.documentationLinks))],
    },
  };
}
