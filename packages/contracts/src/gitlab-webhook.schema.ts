import { z } from 'zod';

/**
 * GitLab webhook payloads (doc/user/project/integrations/webhook_events.md). Only what we use is
 * required; unknown extra fields pass through (GitLab adds fields over time).
 */
// GitLab ids start at 1; 0 would collide with "unknown" and never resolve against the API.
const id = z.number().int().positive();
const nullableString = z.string().nullable().optional();

export const ZHookProject = z.looseObject({
  id,
  name: nullableString,
  web_url: nullableString,
  path_with_namespace: nullableString,
  default_branch: nullableString,
  ci_config_path: nullableString,
});

export const ZHookBuild = z.looseObject({
  id,
  stage: z.string(),
  name: z.string(),
  status: z.string(),
  failure_reason: nullableString,
  allow_failure: z.boolean().optional().default(false),
  created_at: nullableString,
  started_at: nullableString,
  finished_at: nullableString,
  duration: z.number().nullable().optional(),
});

export const ZPipelineHook = z.looseObject({
  object_kind: z.literal('pipeline'),
  object_attributes: z.looseObject({
    id,
    iid: z.number().int().nullable().optional(),
    ref: nullableString,
    tag: z.boolean().nullable().optional(),
    sha: nullableString,
    source: nullableString,
    status: z.string(),
    detailed_status: nullableString,
    url: nullableString,
    created_at: nullableString,
    finished_at: nullableString,
    duration: z.number().nullable().optional(),
  }),
  project: ZHookProject,
  merge_request: z
    .looseObject({
      id: z.number().int(),
      iid: z.number().int(),
      title: nullableString,
      source_branch: nullableString,
      target_branch: nullableString,
      state: nullableString,
      url: nullableString,
    })
    .nullable()
    .optional(),
  commit: z
    .looseObject({
      id: nullableString,
      title: nullableString,
      message: nullableString,
      url: nullableString,
      author: z.looseObject({ name: nullableString }).nullable().optional(),
    })
    .nullable()
    .optional(),
  builds: z.array(ZHookBuild).nullable().optional(),
});
export type TPipelineHook = z.infer<typeof ZPipelineHook>;

export const ZJobHook = z.looseObject({
  object_kind: z.literal('build'),
  ref: nullableString,
  sha: nullableString,
  build_id: id,
  build_name: z.string(),
  build_stage: z.string(),
  build_status: z.string(),
  build_allow_failure: z.boolean().optional().default(false),
  build_failure_reason: nullableString,
  /** The pipeline id; GitLab also puts it in commit.id. */
  pipeline_id: id,
  project_id: id,
  project_name: nullableString,
  retries_count: z.number().int().optional(),
  commit: z
    .looseObject({ id: z.number().int().optional(), sha: nullableString, message: nullableString, author_name: nullableString })
    .nullable()
    .optional(),
  repository: z
    .looseObject({ name: nullableString, homepage: nullableString, url: nullableString, git_ssh_url: nullableString })
    .nullable()
    .optional(),
  /** The project as every hook documents it (older GitLab sent only project_id, project_name and repository). */
  project: ZHookProject.nullable().optional(),
});
export type TJobHook = z.infer<typeof ZJobHook>;

export const GITLAB_EVENTS = { pipeline: 'Pipeline Hook', job: 'Job Hook' } as const;
