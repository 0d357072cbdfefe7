import { junitReportPaths, type TCiConfig } from '../ci-config';
import type { TProjectKey } from '../gitlab.client';
import type { TResolvedFetchSettings } from '../gitlab.settings';
import type { TGlTestReport } from '../gitlab.types';
import { testReportPossible, type TConfigScope } from './config-scope';
import type { TJobLists } from './fetch-jobs';
import type { TFetchScope } from './fetch-scope';
import type { TContextJob, TTestReportSummary } from './pipeline-context.types';

const MAX_REPORT_FILES_PER_JOB = 3;

/**
 * Failed test cases of the pipeline (when it can have a report, see config-scope.ts) and of its
 * failed downstream pipelines; null when none has a report or GITLAB_FETCH_TEST_REPORTS is off.
 */
export async function fetchTestReport(scope: TFetchScope, lists: TJobLists, config: TConfigScope): Promise<TTestReportSummary | null> {
  if (!scope.settings.fetchTestReports || !scope.reachable) return null;
  const own = testReportPossible(lists.main, config)
    ? [{ project: scope.project, projectId: scope.projectId, pipelineId: scope.pipelineId }]
    : [];
  const downstream = lists.downstream
    .filter((d) => d.status !== 'success')
    .map((d) => ({ project: d.project_id, projectId: d.project_id, pipelineId: d.id }));
  return readTestReports(scope, [...own, ...downstream]);
}

async function readTestReports(
  scope: TFetchScope,
  pipelines: Array<{ project: TProjectKey; projectId: number; pipelineId: number }>,
): Promise<TTestReportSummary | null> {
  const reports: TTestReportSummary[] = [];
  for (const p of pipelines) {
    const report = await scope.run.step(`test_report:${p.projectId}:${p.pipelineId}`, async () => {
      const raw = await scope.client.getPipelineTestReport(p.project, p.pipelineId);
      const summary = raw && (raw.total_count ?? 0) > 0 ? summarizeTestReport(raw, p.pipelineId, scope.settings) : null;
      return { data: summary, count: summary?.failures.length ?? 0 };
    });
    if (report) reports.push(report);
  }
  return mergeTestReports(reports, scope.settings.maxTestFailures);
}

/**
 * Small JUnit files named by each failed job's `artifacts:reports:junit`, read out of its artifacts
 * (GITLAB_FETCH_ARTIFACTS; jobs of the triggering pipeline, whose config was read).
 */
export async function attachReportFiles(scope: TFetchScope, failedJobs: TContextJob[], config: TCiConfig | null): Promise<void> {
  if (!scope.settings.fetchArtifacts || !scope.reachable || !config) return;
  const limits = { maxBytes: scope.settings.maxArtifactFileBytes, maxLines: 0, headRatio: 0.5 };
  await Promise.all(
    failedJobs
      .filter((j) => j.depth === 0)
      .map(async (job) => {
        for (const path of junitReportPaths(config, job.name).slice(0, MAX_REPORT_FILES_PER_JOB)) {
          const file = await scope.run.step(`artifact:${job.id}:${path}`, async () => {
            const text = await scope.client.readJobArtifactFile(job.project_id || scope.project, job.id, path, limits);
            return {
              data: text && { path, text: text.text, truncated: text.truncated },
              bytes: text?.totalBytes ?? 0,
              count: text ? 1 : 0,
              truncated: text?.truncated,
            };
          });
          if (file) job.report_files.push(file);
        }
      }),
  );
}

function summarizeTestReport(report: TGlTestReport, pipelineId: number, settings: TResolvedFetchSettings): TTestReportSummary {
  const failures: TTestReportSummary['failures'] = [];
  for (const suite of report.test_suites ?? []) {
    for (const c of suite.test_cases ?? []) {
      if (c.status !== 'failed' && c.status !== 'error') continue;
      if (failures.length >= settings.maxTestFailures) break;
      const output = Array.isArray(c.system_output) ? c.system_output.join('\n') : (c.system_output ?? null);
      failures.push({
        pipeline_id: pipelineId,
        suite: suite.name,
        name: c.name,
        classname: c.classname ?? null,
        file: c.file ?? null,
        status: c.status,
        stack_trace: c.stack_trace ? c.stack_trace.slice(0, settings.maxStackTraceChars) : null,
        system_output: output ? output.slice(0, settings.maxStackTraceChars) : null,
      });
    }
  }
  return {
    total: report.total_count ?? 0,
    failed: report.failed_count ?? 0,
    errors: report.error_count ?? 0,
    skipped: report.skipped_count ?? 0,
    failures,
  };
}

function mergeTestReports(reports: TTestReportSummary[], limit: number): TTestReportSummary | null {
  if (reports.length === 0) return null;
  return {
    total: reports.reduce((n, r) => n + r.total, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    errors: reports.reduce((n, r) => n + r.errors, 0),
    skipped: reports.reduce((n, r) => n + r.skipped, 0),
    failures: reports.flatMap((r) => r.failures).slice(0, limit),
  };
}
