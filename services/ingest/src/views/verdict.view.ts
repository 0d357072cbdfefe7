import type { TJobVerdict, TVerdictKind, TVerdictStats } from '@cia/contracts';
import { plural } from './format';
import { html, type SafeHtml } from './html';

const LABELS: Record<TVerdictKind, string> = {
  infrastructure: 'infrastructure',
  flaky_confirmed: 'flaky (retry passed)',
  fixed_on_target: 'fixed on target',
  already_failing: 'already failing',
  likely_flaky: 'likely flaky',
  caused_by_change: 'caused by this change',
  undetermined: 'undetermined',
};

export function verdictLabel(kind: string): string {
  return LABELS[kind as TVerdictKind] ?? kind.replace(/_/g, ' ');
}

export function verdictBadge(kind: string): SafeHtml {
  return html`<span class="verdict v-${kind.replace(/[^a-z_]/g, '')}">${verdictLabel(kind)}</span>`;
}

/** Our own page of an incident: an id we stored, never a URL from a payload. */
export function incidentHref(incidentId: number): string {
  return `/ui/incidents/${incidentId}`;
}

/** A failed job's verdict for people: its kind, its headline, and the incident it belongs to. */
export function verdictLine(verdict: TJobVerdict | undefined): SafeHtml {
  if (!verdict) return html``;
  const incident =
    typeof verdict.incident_id === 'number'
      ? html` <a class="incident-link" href="${incidentHref(verdict.incident_id)}">incident #${verdict.incident_id} →</a>`
      : '';
  return html`<p class="verdict-line">${verdictBadge(verdict.kind)} <span class="headline">${verdict.headline}</span>${incident}</p>`;
}

/**
 * The verdicts of the failed jobs and how flaky suspicions fared when retried: "confirmed" only
 * counts retries that passed, so a guess is never shown as a confirmation.
 */
export function verdictStats(v: TVerdictStats): SafeHtml {
  if (v.jobs === 0) return html``;
  const kinds = Object.entries(v.by_kind).sort(([, a], [, b]) => b - a);
  const f = v.flaky;
  const decided = f.confirmed + f.refuted;
  const share = f.confirmed_share === null ? '' : ` (${Math.round(f.confirmed_share * 100)}%)`;
  return html`<div class="card verdict-stats">
  <p><strong>Verdicts of ${plural(v.jobs, 'failed job')}:</strong> ${kinds.map(([kind, n]) => html`${verdictBadge(kind)} ${n} `)}</p>
  <p class="small flaky-stats"><strong>Flaky suspicions:</strong> ${f.suspected} suspected, ${f.retried} retried${f.pending > 0 ? `, ${f.pending} retry running` : ''}; confirmed by a passing retry: ${f.confirmed} of ${decided}${share}, refuted (retry failed too): ${f.refuted}</p>
</div>`;
}
