import { isAllowedLink, type TLinkPolicy } from '@cia/contracts';
import { postJson } from './http-post';
import { maskBody } from './mask-outgoing';
import { jobListLabel, shownJobs } from './note-jobs';
import { verdictLines, verdictWords, type TVerdictWords } from './note-verdict';
import type { TNoteInput } from './render-note';

/** Slack mrkdwn: `&`, `<` and `>` are control characters (links, `<!channel>` mentions). */
export function escapeSlack(text: string, maxChars = 500): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  return cut.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link only where notes may link too (see link-policy.ts in @cia/contracts). */
export function slackLink(policy: TLinkPolicy, url: string | null | undefined, text: string, maxChars = 80): string {
  return url && isAllowedLink(policy, url)
    ? `<${url.replace(/[<>|]/g, encodeURIComponent)}|${escapeSlack(text, maxChars)}>`
    : escapeSlack(text, maxChars);
}

/**
 * The verdict lines, most pressing first (`*Infrastructure*: registry unreachable, retry the job — deploy`),
 * and the first one without styling for the notification preview.
 */
function slackVerdicts(input: TNoteInput): { lines: string[]; preview?: string } {
  const jobs = shownJobs(input);
  const words = verdictWords(verdictLines(jobs), jobs.length).slice(0, 4);
  const rest = (w: TVerdictWords) => (w.rest ? `: ${escapeSlack(w.rest, 200)}` : '');
  const lines = words.map((w) => {
    const names =
      w.jobs.length > 0
        ? ` — ${jobListLabel(
            w.jobs.map((name) => escapeSlack(name, 80)),
            5,
          )}`
        : '';
    return `*${escapeSlack(w.lead, 200)}*${rest(w)}${names}`;
  });
  const first = words[0];
  return { lines, preview: first ? `${escapeSlack(first.lead, 200)}${rest(first)}` : undefined };
}

/** An incoming-webhook message: a plain `text` fallback and a few Block Kit sections. */
export function buildSlackMessage(input: TNoteInput): Record<string, unknown> {
  const { result, pipeline } = input;
  const project = input.project.path ?? `project ${input.project.id}`;
  const headline = `${project}: pipeline #${pipeline.id} failed (${result.category}, ${Math.round(result.confidence * 100)}% confidence)`;
  const fix = result.solutions[0];
  const jobs = input.jobs
    .slice(0, 5)
    .map((j) => slackLink(input.links, j.web_url, j.name))
    .join(', ');
  const links = [
    input.resultsUrl ? slackLink(input.links, input.resultsUrl, 'Full analysis') : undefined,
    slackLink(input.links, pipeline.url, `Pipeline #${pipeline.id}`),
  ]
    .filter(Boolean)
    .join(' · ');
  const verdicts = slackVerdicts(input);
  // Whose failure it is leads, in the notification preview (`text`) too.
  const lines = [...verdicts.lines, `*${escapeSlack(headline, 200)}*`, `*Root cause:* ${escapeSlack(result.root_cause, 800)}`];
  if (fix)
    lines.push(
      `*Fix:* ${escapeSlack(fix.title, 200)}${fix.commands?.[0] ? `\n\`${escapeSlack(fix.commands[0].replace(/`/g, "'"), 200)}\`` : ''}`,
    );
  if (jobs) lines.push(`*Failed jobs:* ${jobs}`);
  return {
    text: [verdicts.preview, escapeSlack(headline, 200)].filter(Boolean).join(' · '),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: links || 'ci-analyst' }] },
    ],
  };
}

export async function sendSlackNotification(
  url: string,
  input: TNoteInput,
  options: { maskValues: readonly string[]; timeoutMs: number },
): Promise<void> {
  const body = maskBody(buildSlackMessage(input), options.maskValues);
  await postJson('slack', url, body, {}, options.timeoutMs);
}
