import { junitReportPaths, type TCiConfig } from '../ci-config';
import { mergeTestReports, summarizeTestReport } from './job-summaries';
import type { TGatherScope } from './fetch-scope';
import type { TProjectKey } from '../gitlab.client';
import type { TContextJob, TTestReportSummary } from './pipeline-context.types';

const MAX_REPORT_FILES_PER_JOB = 3;

/** Failed test cases of the pipeline and of the given (failed) child pipelines; null when none has a report. */
export async function gatherTestReports(scope: TGatherScope, pipelines: Array<{ project: TProjectKey; projectId: number; pipelineId: number }>): Promise<TTestReportSummary | null> {
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

/** Small JUnit files named by each job's `artifacts:reports:junit`, read out of its artifacts. */
export async function attachReportFiles(scope: TGatherScope, failedJobs: TContextJob[], config: TCiConfig): Promise<void> {
  const limits = { maxBytes: scope.settings.maxArtifactFileBytes, maxLines: 0, headRatio: 0.5 };
  await Promise.all(
    failedJobs
      .filter((j) => j.depth === 0)
      .map(async (job) => {
        for (const path of junitReportPaths(config, job.name).slice(0, MAX_REPORT_FILES_PER_JOB)) {
          const file = await scope.run.step(`artifact:${job.id}:${path}`, async () => {
            const text = await scope.client.readJobArtifactFile(job.project_id || scope.project, job.id, path, limits);
            return { data: text && { path, text: text.text, truncated: text.truncated }, bytes: text?.totalBytes ?? 0, count: text ? 1 : 0, truncated: text?.truncated };
          });
          if (file) job.report_files.push(file);
        }
      }),
  );
}
