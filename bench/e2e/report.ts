import type { TScenarioResult } from './scenario';

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');

/** The results table and the two targets of the 2 s scenarios (the 0 ms row has none). */
export function formatReport(results: TScenarioResult[]): string[] {
  const out = [
    '| AI latency | processes | pipelines | analyses/s | per process | vs 1 process | p50 e2e (ms) | p95 e2e (ms) | avg fetch / excerpt / analyze / total (ms) | CPU ms per analysis: workers / ingest / bench / PostgreSQL / Redis | machine busy | GitLab requests per analysis | failed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const one = results.find((x) => x.latencyMs === r.latencyMs && x.processes === 1);
    const t = r.timings;
    const perAnalysis = (seconds: number) => fmt((1000 * seconds) / r.pipelines, 2);
    out.push(
      `| ${r.latencyMs} ms | ${r.processes} | ${r.pipelines} | ${fmt(r.perSecond)} | ${fmt(r.perSecond / r.processes)} | ${one ? `${fmt(r.perSecond / one.perSecond, 2)}x` : '-'} | ${fmt(r.p50, 0)} | ${fmt(r.p95, 0)} | ${fmt(t.fetch_ms!, 0)} / ${fmt(t.excerpt_ms!, 0)} / ${fmt(t.analyze_ms!, 0)} / ${fmt(t.total_ms!, 0)} | ${perAnalysis(r.cpu.workers)} / ${perAnalysis(r.cpu.ingest)} / ${perAnalysis(r.cpu.bench)} / ${perAnalysis(r.cpu.postgres)} / ${perAnalysis(r.cpu.redis)} | ${fmt(r.cpu.machinePct, 0)}% | ${fmt(r.gitlabRequestsPerAnalysis, 2)} | ${r.failed} |`,
    );
  }
  const at = (latencyMs: number, processes: number) => results.find((r) => r.latencyMs === latencyMs && r.processes === processes);
  const target = (label: string, ok: boolean | undefined, detail: string) =>
    out.push(`- ${ok === undefined ? 'n/a   ' : ok ? 'MET   ' : 'MISSED'} ${label}: ${detail}`);
  const s1 = at(2000, 1);
  const s2 = at(2000, 2);
  out.push('\nTargets:');
  target('2 s AI, >= 40 analyses/s per process', s1 && s1.perSecond >= 40, s1 ? `${fmt(s1.perSecond)}/s with 1 process` : 'not run');
  target(
    '2 s AI, 2 processes >= 1.8x one',
    s1 && s2 && s2.perSecond >= 1.8 * s1.perSecond,
    s1 && s2 ? `${fmt(s2.perSecond / s1.perSecond, 2)}x` : 'not run',
  );
  out.push(
    '\nEnd-to-end latency is from analyses.created_at (webhook stored) to completed_at; every scenario is a burst, so it includes queueing. Throughput is pipelines ÷ (last completed_at − first created_at). The 0 ms row has no target.',
  );
  return out;
}
