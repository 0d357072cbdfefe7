import { parseCiConfig } from '../ci-config';
import type { GitLabClient } from '../gitlab.client';
import { resolveFetchSettings, type TFetchSettings } from '../gitlab.settings';
import { configScope } from './config-scope';
import { attachBaselines } from './fetch-baselines';
import { fetchFailedJobs, fetchJobLists } from './fetch-jobs';
import { fetchCiConfig, fetchPipeline, fetchPipelineFacts, fetchProject, projectKeyOf } from './fetch-pipeline';
import { attachReportFiles, fetchTestReport } from './fetch-reports';
import { createFetchScope } from './fetch-scope';
import type { TFetchInput, TFetchOptions, TPipelineContext } from './pipeline-context.types';
import { settleAll } from './settle-all';
import { createStepRunner } from './step-runner';

/**
 * Fetches what the analysis needs about one failed pipeline: hybrid (the trigger's facts first, the
 * API for the rest), bounded (logs cut to the limits, child pipelines to a depth), and resumable
 * (each step is recorded; steps in `options.previous` are not fetched again).
 */
export async function fetchPipelineContext(
  client: GitLabClient,
  input: TFetchInput,
  settings: TFetchSettings,
  options: TFetchOptions = {},
): Promise<TPipelineContext> {
  const known = input.known ?? {};
  const run = createStepRunner(options);
  const key = projectKeyOf(input);
  const { project, reachable } = await fetchProject(run, client, options.cache, key);
  const scope = createFetchScope({
    client,
    run,
    cache: options.cache,
    settings: resolveFetchSettings(settings),
    reachable,
    project: project?.id ?? key,
    projectId: project?.id ?? (typeof key === 'number' ? key : (known.project?.id ?? 0)),
    pipelineId: input.pipelineId,
  });

  const revision = await fetchPipeline(scope, known.pipeline);
  const ciConfig = fetchCiConfig(scope, project, known, revision);
  // Downstream pipelines and test reports wait for the config, which says whether the pipeline can have them.
  const expected = ciConfig.then(
    (config) => configScope(config, revision.source),
    () => configScope(null, null),
  );
  const [facts, lists] = await settleAll([
    fetchPipelineFacts(scope, known, project, revision, ciConfig),
    fetchJobLists(scope, known, expected),
  ]);

  const parsedCi = facts.ci_config && !facts.ci_config.truncated ? parseCiConfig(facts.ci_config.text) : null;
  const jobs = await fetchFailedJobs(scope, lists, known, parsedCi);
  await attachReportFiles(scope, jobs.failed_jobs, parsedCi);
  const testReport = await fetchTestReport(scope, lists, await expected);
  await attachBaselines(scope, jobs.failed_jobs, [facts.pipeline.ref, facts.merge_request?.target_branch, facts.project.default_branch]);

  return { ...facts, ...jobs, downstream_pipelines: lists.downstream, test_report: testReport, steps: run.records, state: run.state };
}
