import { markNoteFixed } from '@cia/postback';
import type { TJobHandler } from '@cia/queue';
import { markIncidentsFixedBy } from '../pipeline/mark-incidents-fixed';
import type { TPostbackJobDeps } from './post-back-deps';
import { runPostBack } from './run-post-back';

/**
 * `pipeline.fixed`: a pipeline passed, so the incidents it fixed on the default branch are marked
 * fixed and the notes still showing a failure of its merge request(s) say "fixed".
 */
export function markPipelineFixedJob(deps: TPostbackJobDeps): TJobHandler<'pipeline.fixed'> {
  return async (payload, job) => {
    await markIncidentsFixedBy(deps, payload);
    return runPostBack(deps, job, () =>
      markNoteFixed({ db: deps.db, gitlab: deps.settings.enabled ? deps.gitlab : undefined, settings: deps.settings }, payload),
    );
  };
}
