import {
  allowedDocumentationLinks,
  isAllowedLink,
  safeUrl,
  type TAnalysisView,
  type TExcerptLine,
  type TJobFinding,
  type TLinkPolicy,
  type TSolution,
} from '@cia/contracts';
import { formatAgo, formatInt, formatSeconds, formatUsd, formatUtc, plural, shortSha } from './format';
import { html, type SafeHtml } from './html';
import { renderLayout } from './layout.view';
import { isInProgress, statusBadge } from './analysis-list.view';
import { verdictLine } from './verdict.view';

/** Steps in the order the worker runs them; unknown ones after. */
const STEP_ORDER = [
  'queue_wait_ms',
  'fetch_ms',
  'excerpt_ms',
  'classify_ms',
  'cache_ms',
  'analyze_ms',
  'persist_ms',
  'postback_ms',
  'total_ms',
];
const stepRank = (key: string) => (STEP_ORDER.includes(key) ? STEP_ORDER.indexOf(key) : STEP_ORDER.length - 0.5);

/**
 * A link only where notes may link too (link-policy.ts in @cia/contracts): GitLab under
 * GITLAB_BASE_URL and documentation hosts. Stored URLs came from triggers and AI answers.
 */
export function link(links: TLinkPolicy, url: string | null | undefined, text: string): SafeHtml {
  const safe = url && isAllowedLink(links, url) ? safeUrl(url) : undefined;
  return safe ? html`<a href="${safe}" rel="noopener noreferrer" target="_blank">${text}</a>` : html`${text}`;
}

/** Line numbers with a marker where the excerpt skips lines of the log. */
function excerptTable(lines: TExcerptLine[]): SafeHtml {
  if (lines.length === 0) return html`<p class="muted small">No excerpt kept for this job.</p>`;
  const rows: SafeHtml[] = [];
  lines.forEach((l, i) => {
    const prev = lines[i - 1];
    if (prev && l.line > prev.line + 1)
      rows.push(html`<tr class="gap"><td colspan="2">⋯ ${plural(l.line - prev.line - 1, 'line')} ⋯</td></tr>`);
    rows.push(html`<tr><td class="ln">${l.line}</td><td class="tx">${l.text}</td></tr>`);
  });
  return html`<table class="excerpt"><tbody>${rows}</tbody></table>`;
}

function solution(s: TSolution): SafeHtml {
  return html`<li><strong>${s.title}</strong>
  ${s.steps.length > 0 ? html`<ol class="steps">${s.steps.map((step) => html`<li>${step}</li>`)}</ol>` : ''}
  ${(s.commands ?? []).map((c) => html`<pre class="cmd">${c}</pre>`)}
  ${s.code ? html`<pre class="code">${s.code}</pre>` : ''}
</li>`;
}

function jobCard(a: TAnalysisView, job: TJobFinding, links: TLinkPolicy): SafeHtml {
  const ref = a.failed_jobs.find((j) => j.id === job.job_id);
  return html`<div class="job">
  <div class="job-head"><span><strong>${job.name}</strong> <span class="muted small">stage ${job.stage} · job #${job.job_id}${ref?.failure_reason ? ` · ${ref.failure_reason}` : ''}</span></span>
  ${link(links, ref?.web_url, 'Open job in GitLab ↗')}</div>
  ${verdictLine(job.verdict)}
  ${job.findings.length > 0 ? html`<ul class="findings">${job.findings.map((f) => html`<li>${f}</li>`)}</ul>` : ''}
  ${excerptTable(job.excerpt)}
</div>`;
}

function pendingJobs(a: TAnalysisView, links: TLinkPolicy): SafeHtml {
  if (a.failed_jobs.length === 0) return html``;
  return html`<div class="card"><h2>Failed jobs</h2><ul class="plain">${a.failed_jobs.map(
    (j) =>
      html`<li>${link(links, j.web_url, j.name)} <span class="muted small">stage ${j.stage}${j.failure_reason ? ` · ${j.failure_reason}` : ''}</span></li>`,
  )}</ul></div>`;
}

function sidePanel(a: TAnalysisView, links: TLinkPolicy): SafeHtml {
  const r = a.result;
  const docs = r ? allowedDocumentationLinks(r.documentation_links, links.docHosts, 10) : [];
  const took = a.completed_at ? (Date.parse(a.completed_at) - Date.parse(a.created_at)) / 1000 : null;
  const timings = Object.entries(a.timings)
    .filter(([k]) => k.endsWith('_ms'))
    .sort(([x], [y]) => stepRank(x) - stepRank(y));
  return html`<div class="card"><h2>Analysis</h2><dl class="kv">
  <dt>Status</dt><dd>${statusBadge(a.status)}</dd>
  ${
    r
      ? html`<dt>Category</dt><dd><span class="chip">${r.category.replace(/_/g, ' ')}</span></dd>
  <dt>Severity</dt><dd><span class="chip sev-${r.severity}">${r.severity}</span></dd>
  <dt>Confidence</dt><dd>${Math.round(r.confidence * 100)}%</dd>`
      : ''
  }
  <dt>Trigger</dt><dd>${a.trigger}</dd>
  <dt>Received</dt><dd><time datetime="${a.created_at}" title="${formatUtc(a.created_at)}">${formatAgo(a.created_at)}</time></dd>
  ${took !== null ? html`<dt>Time to result</dt><dd>${formatSeconds(took)}</dd>` : ''}
  <dt>Provider</dt><dd>${a.provider ?? '–'}${a.model ? html` <span class="muted small">${a.model}</span>` : ''}</dd>
  <dt>Tokens</dt><dd>${formatInt(a.usage.input_tokens)} in · ${formatInt(a.usage.output_tokens)} out</dd>
  <dt>Cost</dt><dd>${formatUsd(a.usage.cost_usd)}${a.cache_hit ? html` <span class="chip">cache hit</span>` : ''}</dd>
  ${timings.map(([k, v]) => html`<dt>${k.replace(/_ms$/, '').replace(/_/g, ' ')}</dt><dd>${formatSeconds(v / 1000)}</dd>`)}
  <dt>Request id</dt><dd class="small"><code>${a.request_id}</code></dd>
</dl></div>
${r && r.flaky_suspected.suspected ? html`<div class="card"><h2>Flaky?</h2><p>${r.flaky_suspected.reason}</p></div>` : ''}
${r && r.prevention.length > 0 ? html`<div class="card"><h2>Prevention</h2><ul class="plain">${r.prevention.map((p) => html`<li>${p}</li>`)}</ul></div>` : ''}
${docs.length > 0 ? html`<div class="card"><h2>Documentation</h2><ul class="plain">${docs.map((l) => html`<li>${link(links, l, l)}</li>`)}</ul></div>` : ''}`;
}

/** One analysis for people: what broke, why, how to fix it, and the log lines that show it. */
export function renderAnalysisDetail(a: TAnalysisView, options: { refreshSeconds: number; links: TLinkPolicy }): string {
  const { links } = options;
  const r = a.result;
  const p = a.pipeline;
  const live = isInProgress(a.status);
  const title = `${a.project.path ?? `project ${a.project.id}`} · pipeline #${p.id}`;
  const body = html`
<p class="small"><a href="/">← All failed pipelines</a></p>
<h1>${a.project.path ?? `project ${a.project.id}`} ${link(links, p.url, `pipeline #${p.id}`)}</h1>
<div class="meta">
  ${statusBadge(a.status)}
  <span>ref <strong>${p.ref ?? '–'}</strong></span>
  ${p.sha ? html`<span>commit <code>${shortSha(p.sha)}</code>${p.commit_title ? ` ${p.commit_title}` : ''}</span>` : ''}
  ${p.commit_author ? html`<span>by ${p.commit_author}</span>` : ''}
  ${p.url && isAllowedLink(links, p.url) ? link(links, p.url, 'Open pipeline in GitLab ↗') : ''}
</div>
${live ? html`<div class="notice">The analysis is ${a.status === 'queued' ? 'waiting for a worker' : 'running'}. This page refreshes every ${options.refreshSeconds} s.</div>` : ''}
${a.status === 'failed' ? html`<div class="notice error"><strong>The analysis could not finish</strong> (${a.error?.code ?? 'error'}): ${a.error?.message ?? 'no message'}</div>` : ''}
<div class="grid2">
<div>
${
  r
    ? html`<div class="card rootcause"><h2>Root cause</h2><p class="cause">${r.root_cause}</p><p class="muted">${r.summary}</p></div>
<div class="card"><h2>How to fix it</h2>${
        r.solutions.length > 0
          ? html`<ol class="solutions">${r.solutions.map(solution)}</ol>`
          : html`<p class="muted">No solution proposed.</p>`
      }</div>
<div class="card"><h2>Failed jobs and the log lines that matter</h2>${r.failed_jobs.map((j) => jobCard(a, j, links))}</div>`
    : pendingJobs(a, links)
}
</div>
<div>${sidePanel(a, links)}</div>
</div>`;
  return renderLayout({ title, body, refreshSeconds: live ? options.refreshSeconds : undefined });
}

export function renderNotFound(requestId: string): string {
  return renderLayout({
    title: 'Not found',
    body: html`<div class="card empty"><h1>No analysis ${requestId}</h1><p><a href="/">Back to the failed pipelines</a></p></div>`,
  });
}
