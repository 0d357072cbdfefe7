import {
  gitlabPageUrl,
  type TIncidentDetail,
  type TIncidentOccurrenceDetail,
  type TLinkPolicy,
  type TVerdictPipeline,
} from '@cia/contracts';
import { link } from './analysis-detail.view';
import { formatAgo, formatUtc, plural, shortSha } from './format';
import { html, type SafeHtml } from './html';
import { incidentStatusBadge, projectName } from './incident-list.view';
import { renderLayout } from './layout.view';
import { incidentHref, verdictBadge } from './verdict.view';

/** GitLab pages built from GITLAB_BASE_URL, the project path and an id (link-policy.ts), shown as text when unsure. */
function gitlabLink(links: TLinkPolicy, projectPath: string | null, kind: 'pipelines' | 'jobs', id: number, text: string): SafeHtml {
  return link(links, gitlabPageUrl(links.gitlabBaseUrl, projectPath, kind, id), text);
}

function when(iso: string): SafeHtml {
  return html`<time datetime="${iso}" title="${formatUtc(iso)}">${formatAgo(iso)}</time>`;
}

function pipelineAt(links: TLinkPolicy, path: string | null, p: TVerdictPipeline & { at: string }): SafeHtml {
  return html`${gitlabLink(links, path, 'pipelines', p.pipeline_id, `pipeline #${p.pipeline_id}`)}${p.sha ? html` (commit <code>${shortSha(p.sha)}</code>)` : ''}, ${when(p.at)}`;
}

/** The default branch's side of the story: red since when, or fixed by which pipeline and commit. */
function streak(i: TIncidentDetail, links: TLinkPolicy): SafeHtml {
  const path = i.project_path;
  if (i.fixed)
    return html`<div class="notice ok"><strong>Fixed</strong> on the default branch by ${pipelineAt(links, path, i.fixed)}. Merge requests still failing with it need a rebase.</div>`;
  if (i.failing_since)
    return html`<div class="notice error"><strong>Red on the default branch</strong> since ${pipelineAt(links, path, i.failing_since)}.</div>`;
  return html`<div class="notice">Open: not failing on the default branch; seen in merge requests or on other branches.</div>`;
}

function retryText(o: TIncidentOccurrenceDetail): string {
  if (!o.retry) return '';
  return o.retry.status === 'pending' ? ' · retry running' : ` · retry ${o.retry.status}`;
}

function occurrenceRow(o: TIncidentOccurrenceDetail, links: TLinkPolicy): SafeHtml {
  const path = o.project_path;
  return html`<tr>
  <td>${when(o.created_at)}</td>
  <td>${gitlabLink(links, path, 'pipelines', o.pipeline_id, `#${o.pipeline_id}`)}<span class="sub">job ${gitlabLink(links, path, 'jobs', o.job_id, `${o.job_name} #${o.job_id}`)}</span></td>
  <td>${o.ref ?? '–'}${o.on_default_branch ? html` <span class="chip">default</span>` : ''}<span class="sub">${o.merge_request_iid !== null ? `!${o.merge_request_iid} · ` : ''}${shortSha(o.sha)}</span></td>
  <td>${verdictBadge(o.verdict.kind)}<span class="sub">${o.verdict.headline}${retryText(o)}</span></td>
  <td><a href="/ui/analyses/${encodeURIComponent(o.request_id)}">analysis</a></td>
</tr>`;
}

function occurrences(i: TIncidentDetail, links: TLinkPolicy): SafeHtml {
  const shown = i.recent_occurrences.length;
  return html`<div class="card"><h2>Occurrences</h2>
<p class="muted small">${shown < i.occurrences ? `The newest ${shown} of ${i.occurrences}` : plural(i.occurrences, 'failed job')}, newest first, with the verdict each got.</p>
<table class="list occurrences">
  <colgroup><col class="w-when"><col class="w-pipeline"><col class="w-ref"><col><col class="w-count"></colgroup>
  <thead><tr><th>When</th><th>Pipeline · job</th><th>Ref · MR</th><th>Verdict</th><th></th></tr></thead>
  <tbody>${i.recent_occurrences.map((o) => occurrenceRow(o, links))}</tbody>
</table></div>`;
}

function facts(i: TIncidentDetail): SafeHtml {
  const kinds = Object.entries(i.verdicts).sort(([, a], [, b]) => b - a);
  return html`<div class="card"><h2>Incident #${i.id}</h2><dl class="kv">
  <dt>Status</dt><dd>${incidentStatusBadge(i)}</dd>
  <dt>First seen</dt><dd>${when(i.first_seen_at)}</dd>
  <dt>Last seen</dt><dd>${when(i.last_seen_at)}</dd>
  <dt>Occurrences</dt><dd>${i.occurrences}</dd>
  ${i.category ? html`<dt>Category</dt><dd><span class="chip">${i.category.replace(/_/g, ' ')}</span></dd>` : ''}
  ${i.failure_reason ? html`<dt>Failure reason</dt><dd>${i.failure_reason}</dd>` : ''}
  ${kinds.map(([kind, n]) => html`<dt>${verdictBadge(kind)}</dt><dd>${n}</dd>`)}
</dl></div>`;
}

function whereSeen(i: TIncidentDetail): SafeHtml {
  return html`<div class="card"><h2>Where it failed</h2>
<ul class="plain">${i.refs.map((r) => html`<li>${r.ref ?? 'unknown ref'}${r.on_default_branch ? html` <span class="chip">default</span>` : ''} <span class="muted small">${plural(r.occurrences, 'time')}, ${formatAgo(r.last_seen_at)}</span></li>`)}</ul>
${i.merge_requests.length > 0 ? html`<h3>Merge requests</h3><ul class="plain">${i.merge_requests.map((m) => html`<li>!${m.iid} <span class="muted small">${plural(m.occurrences, 'time')}, ${formatAgo(m.last_seen_at)}</span></li>`)}</ul>` : ''}
</div>`;
}

function sameSignature(i: TIncidentDetail): SafeHtml {
  if (i.same_signature.length === 0) return html``;
  return html`<div class="card"><h2>Same error elsewhere</h2><p class="muted small">The same failure lines in other projects or jobs: separate incidents, maybe one cause (an outage, a shared dependency).</p>
<ul class="plain">${i.same_signature.map((s) => html`<li><a href="${incidentHref(s.id)}">${projectName(s)} · ${s.job_name}</a> ${incidentStatusBadge(s)} <span class="muted small">${plural(s.occurrences, 'time')}, ${formatAgo(s.last_seen_at)}</span></li>`)}</ul></div>`;
}

/** One incident for people: what fails, since when, where, whether it is fixed, and every verdict. */
export function renderIncidentDetail(i: TIncidentDetail, options: { links: TLinkPolicy }): string {
  const { links } = options;
  const body = html`
<p class="small"><a href="/ui/incidents">← All incidents</a></p>
<h1>${i.title}</h1>
<div class="meta">${incidentStatusBadge(i)}<span>${projectName(i)}</span><span>job <strong>${i.job_name}</strong></span><span>seen ${plural(i.occurrences, 'time')}</span></div>
${streak(i, links)}
<div class="grid2">
<div>
<div class="card"><h2>The failure</h2><p class="muted small">The lines that make this failure what it is (times, ids and paths left out).</p>
${i.identity_lines.length > 0 ? html`<pre class="code identity">${i.identity_lines.join('\n')}</pre>` : html`<p class="muted">No identity lines.</p>`}</div>
${occurrences(i, links)}
</div>
<div>${facts(i)}${whereSeen(i)}${sameSignature(i)}</div>
</div>`;
  return renderLayout({ title: `Incident #${i.id}`, body });
}
