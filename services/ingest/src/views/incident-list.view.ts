import { CATEGORIES, INCIDENT_STATUSES, type TIncidentListItem } from '@cia/contracts';
import { formatAgo, formatUtc, plural } from './format';
import { html, type SafeHtml } from './html';
import { renderLayout } from './layout.view';
import { incidentHref } from './verdict.view';

export type TIncidentListFilters = { project_id?: number; status?: string; category?: string };

export type TIncidentListPageView = {
  items: TIncidentListItem[];
  filters: TIncidentListFilters;
  /** Query string of the next (older) page, when there is one. */
  olderHref: string | null;
  firstPage: boolean;
};

/** Open or fixed; an open incident failing on the default branch says so. */
export function incidentStatusBadge(i: Pick<TIncidentListItem, 'status' | 'failing_since'>): SafeHtml {
  if (i.status === 'fixed') return html`<span class="badge completed">fixed</span>`;
  return i.failing_since
    ? html`<span class="badge failed">open · red on default branch</span>`
    : html`<span class="badge queued">open</span>`;
}

export function projectName(i: Pick<TIncidentListItem, 'project_path' | 'project_id'>): string {
  return i.project_path ?? `project ${i.project_id}`;
}

function select(name: string, label: string, values: readonly string[], current: string | undefined): SafeHtml {
  return html`<label>${label}<select name="${name}"><option value="">all</option>${values.map(
    (v) => html`<option value="${v}"${v === current ? html` selected` : ''}>${v.replace(/_/g, ' ')}</option>`,
  )}</select></label>`;
}

function row(i: TIncidentListItem): SafeHtml {
  return html`<tr>
  <td><time datetime="${i.last_seen_at}" title="${formatUtc(i.last_seen_at)}">${formatAgo(i.last_seen_at)}</time><span class="sub">first ${formatAgo(i.first_seen_at)}</span></td>
  <td>${projectName(i)}<span class="sub">${i.job_name}</span></td>
  <td class="cause"><a href="${incidentHref(i.id)}" title="${i.title}">${i.title}</a>${i.category ? html`<span class="sub">${i.category.replace(/_/g, ' ')}</span>` : ''}</td>
  <td>${incidentStatusBadge(i)}</td>
  <td class="num">${i.occurrences}</td>
</tr>`;
}

/** Failures that share a fingerprint, last seen first. */
export function renderIncidentList(page: TIncidentListPageView): string {
  const f = page.filters;
  const body = html`
<h1>Incidents</h1>
<p class="muted small">Failed jobs of one project with the same failure, across pipelines, branches and merge requests. Last seen first.</p>
<form class="filters" method="get" action="/ui/incidents">
  ${select('status', 'Status', INCIDENT_STATUSES, f.status)}
  ${select('category', 'Category', CATEGORIES, f.category)}
  <label>Project id<input name="project_id" inputmode="numeric" size="8" value="${f.project_id ?? ''}"></label>
  <button type="submit">Filter</button>
</form>
${
  page.items.length === 0
    ? html`<div class="card empty">No incidents${Object.values(f).some(Boolean) ? ' match these filters' : ' yet'}.</div>`
    : html`<table class="list incidents">
  <colgroup><col class="w-when"><col class="w-project"><col><col class="w-istatus"><col class="w-count"></colgroup>
  <thead><tr><th>Last seen</th><th>Project · job</th><th>Failure</th><th>Status</th><th>Seen</th></tr></thead>
  <tbody>${page.items.map(row)}</tbody>
</table>`
}
<div class="pager">
  <span>${page.firstPage ? '' : html`<a href="/ui/incidents">← Newest</a>`}</span>
  <span>${page.olderHref ? html`<a href="${page.olderHref}">Older →</a>` : ''}</span>
</div>
<p class="muted small">${plural(page.items.length, 'incident')} on this page.</p>`;
  return renderLayout({ title: 'Incidents', body });
}

export function renderIncidentNotFound(id: string): string {
  return renderLayout({
    title: 'Not found',
    body: html`<div class="card empty"><h1>No incident ${id}</h1><p><a href="/ui/incidents">Back to the incidents</a></p></div>`,
  });
}
