/**
 * What a pipeline's own CI config says it can produce, so requests for things it cannot have are
 * skipped: downstream pipelines come only from `trigger:` jobs, pipeline test reports only from
 * `artifacts:reports:junit`. Whenever the config is not the whole story — not read, cut, has
 * `include:`, or is not the config this pipeline ran (a child or multi-project pipeline) — the
 * answer is "maybe" and everything is fetched as before. When the pipeline's jobs were listed,
 * their artifacts say exactly whether a JUnit report was uploaded (see testReportPossible).
 */
export type TConfigScope = { mayTrigger: boolean; mayReportTests: boolean };

const EVERYTHING: TConfigScope = { mayTrigger: true, mayReportTests: true };
/** Sources whose config is the project's own CI file at the pipeline's commit. */
const OWN_CONFIG_SOURCES = new Set([
  'push',
  'merge_request_event',
  'web',
  'schedule',
  'api',
  'trigger',
  'external_pull_request_event',
  'chat',
  'webide',
]);

export function configScope(config: { text: string; truncated: boolean } | null, pipelineSource: string | null): TConfigScope {
  if (!config || config.truncated || !pipelineSource || !OWN_CONFIG_SOURCES.has(pipelineSource)) return EVERYTHING;
  if (/\binclude\s*:/.test(config.text)) return EVERYTHING;
  return { mayTrigger: /\btrigger\s*:/.test(config.text), mayReportTests: /\bjunit\b/.test(config.text) };
}

/**
 * Whether the pipeline can have a test report. GitLab lists every job's artifacts (`trace` for any
 * job that ran, `junit` for uploaded reports); a listing without any artifact at all comes from an
 * instance that does not say, and the config decides.
 */
export function testReportPossible(jobs: Array<{ artifacts: Array<{ file_type: string }> }> | null, scope: TConfigScope): boolean {
  if (!jobs || !jobs.some((j) => j.artifacts.length > 0)) return scope.mayReportTests;
  return jobs.some((j) => j.artifacts.some((a) => a.file_type === 'junit'));
}
