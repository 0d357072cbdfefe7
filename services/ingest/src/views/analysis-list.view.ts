import { ANALYSIS_STATUSES, CATEGORIES, TRIGGERS, type TAnalysisView } from '@cia/contracts';
import type { TAnalysisSummary } from '@cia/db';
import { formatAgo, formatSeconds, formatUsd, formatUtc, oneLine, shortSha } from './format';
import { html, type SafeHtml } from './html';
import { renderLayout } from './layout.view';
import { verdictStats } from './verdict.view';

export type TListFilters = { project_id?: number; status?: string; category?: string; trigger?: string };

export type TListPage = {
  items: TAnalysisView[];
  summary: TAnalysisSummary;
  filters: TListFilters;
  /** Query string of the next (older) page, when there is one. */
  olderHref: string | null;
  firstPage: boolean;
  refreshSeconds: number;
};

export function isInProgress(status: string): boolean {
  return status === 'queued' || status === 'running';
}

export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge ${status}">${status}</span>`;
}

function select(name: string, label: string, values: readonly string[], current: string | undefined): SafeHtml {
  return html`<label>${label}<select name="${name}"><option value="">all</option>${values.map(
    (v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${v.replace(/_/g, ' ')}</option>`,
  )}</select></label>`;
}

function causeOf(a: TAnalysisView): SafeHtml {
  if (a.result) return html`${oneLine(a.result.root_cause)}`;
  if (a.status === 'failed') return html`<span class="muted">analysis failed: ${oneLine(a.error?.message ?? 'unknown error', 120)}</span>`;
  const jobs = a.failed_jobs.map((j) => j.name).join(', ');
  return html`<span class="muted">${a.status === 'running' ? 'analysing' : 'waiting for a worker'}${jobs ? ` · failed: ${jobs}` : ''}</span>`;
}

function row(a: TAnalysisView): SafeHtml {
  const href = `/ui/analyses/${encodeURIComponent(a.request_id)}`;
  return html`<tr>
  <td><time datetime="${a.created_at}" title="${formatUtc(a.created_at)}">${formatAgo(a.created_at)}</time><span class="sub">${a.trigger}</span></td>
  <td>${a.project.path ?? `project ${a.project.id}`}<span class="sub">pipeline #${a.pipeline.id}</span></td>
  <td>${a.pipeline.ref ?? '–'}<span class="sub">${shortSha(a.pipeline.sha)}</span></td>
  <td>${statusBadge(a.status)}</td>
  <td>${a.result ? html`<span class="chip">${a.result.category.replace(/_/g, ' ')}</span>` : html`<span class="muted">–</span>`}</td>
  <td class="cause"><a href="${href}" title="${a.result?.root_cause ?? ''}">${causeOf(a)}</a></td>
</tr>`;
}

function stats(s: TAnalysisSummary): SafeHtml {
  const inProgress = (s.by_status.queued ?? 0) + (s.by_status.running ?? 0);
  const cell = (value: string, label: string) =>
    html`<div class="stat"><div class="value">${value}</div><div class="label">${label}</div></div>`;
  return html`<div class="stats">
  ${cell(String(s.total), 'analyses')}
  ${cell(String(s.by_status.failed ?? 0), 'analysis errors')}
  ${cell(String(inProgress), 'in progress')}
  ${cell(s.success_rate === null ? '–' : `${Math.round(s.success_rate * 100)}%`, 'success rate')}
  ${cell(formatSeconds(s.end_to_end_seconds.p50), 'median time to result')}
  ${cell(formatUsd(s.cost_usd), 'AI cost')}
  ${cell(String(s.cache_hits), 'cache hits')}
</div>
${verdictStats(s.verdicts)}`;
}

/** The results page: recent failed pipelines and what broke them. */
export function renderAnalysisList(page: TListPage): string {
  const f = page.filters;
  const body = html`
<h1>Failed pipelines</h1>
<p class="muted small">Newest first. Open a row for the root cause, the fix and the log lines that show it.</p>
${stats(page.summary)}
<form class="filters" method="get" action="/">
  ${select('status', 'Analysis', ANALYSIS_STATUSES, f.status)}
  ${select('category', 'Category', CATEGORIES, f.category)}
  ${select('trigger', 'Trigger', TRIGGERS, f.trigger)}
  <label>Project id<input name="project_id" inputmode="numeric" size="8" value="${f.project_id ?? ''}"></label>
  <button type="submit">Filter</button>
</form>
${
  page.items.length === 0
    ? html`<div class="card empty">No failed pipelines${Object.values(f).some(Boolean) ? ' match these filters' : ' yet'}.</div>`
    : html`<table class="list">
  <colgroup><col class="w-when"><col class="w-project"><col class="w-ref"><col class="w-status"><col class="w-category"><col></colgroup>
  <thead><tr><th>When</th><th>Project</th><th>Ref</th><th>Analysis</th><th>Category</th><th>Root cause</th></tr></thead>
  <tbody>${page.items.map(row)}</tbody>
</table>`
}
<div class="pager">
  <span>${page.firstPage ? '' : html`<a href="/">← Newest</a>`}</span>
  <span>${page.olderHref ? html`<a href="${page.olderHref}">Older →</a>` : ''}</span>
</div>`;
  const live = page.items.some((a) => isInProgress(a.status));
  return renderLayout({ title: 'Failed pipelines', body, refreshSeconds: live ? page.refreshSeconds : undefined });
}
