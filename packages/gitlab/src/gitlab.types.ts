import { z } from 'zod';

/**
 * GitLab REST responses (doc/api/*.md): only the fields we read are declared, and loosely, because
 * GitLab adds fields and self-managed versions differ.
 */
const id = z.number().int();
const str = z.string().nullish();

export const ZGlProject = z.looseObject({
  id,
  name: z.string(),
  path_with_namespace: z.string(),
  web_url: str,
  default_branch: str,
  ci_config_path: str,
  description: str,
});
export type TGlProject = z.infer<typeof ZGlProject>;

export const ZGlLanguages = z.record(z.string(), z.number());
export type TGlLanguages = z.infer<typeof ZGlLanguages>;

export const ZGlPipeline = z.looseObject({
  id,
  iid: z.number().int().nullish(),
  project_id: z.number().int().nullish(),
  ref: str,
  sha: str,
  before_sha: str,
  status: z.string(),
  source: str,
  /** True for tag pipelines (single-pipeline answers; lists may leave it out). */
  tag: z.boolean().nullish(),
  web_url: str,
  created_at: str,
  finished_at: str,
  duration: z.number().nullish(),
  user: z.looseObject({ username: str, name: str }).nullish(),
});
export type TGlPipeline = z.infer<typeof ZGlPipeline>;

export const ZGlArtifact = z.looseObject({
  file_type: z.string(),
  size: z.number().nullish(),
  filename: str,
  file_format: str,
});
export type TGlArtifact = z.infer<typeof ZGlArtifact>;

export const ZGlJob = z.looseObject({
  id,
  name: z.string(),
  stage: z.string(),
  status: z.string(),
  failure_reason: str,
  allow_failure: z.boolean().nullish(),
  web_url: str,
  duration: z.number().nullish(),
  started_at: str,
  finished_at: str,
  retried: z.boolean().nullish(),
  tag_list: z.array(z.string()).nullish(),
  pipeline: z.looseObject({ id, project_id: z.number().int().nullish(), ref: str, sha: str, status: str }).nullish(),
  artifacts: z.array(ZGlArtifact).nullish(),
  artifacts_file: z.looseObject({ filename: str, size: z.number().nullish() }).nullish(),
  runner: z.looseObject({ id: z.number().int().nullish(), description: str }).nullish(),
});
export type TGlJob = z.infer<typeof ZGlJob>;

export const ZGlBridge = z.looseObject({
  id,
  name: z.string(),
  stage: z.string(),
  status: z.string(),
  allow_failure: z.boolean().nullish(),
  web_url: str,
  downstream_pipeline: z
    .looseObject({ id, project_id: z.number().int().nullish(), status: z.string().nullish(), ref: str, sha: str, web_url: str })
    .nullish(),
});
export type TGlBridge = z.infer<typeof ZGlBridge>;

export const ZGlTestCase = z.looseObject({
  status: z.string(),
  name: z.string(),
  classname: str,
  file: str,
  execution_time: z.number().nullish(),
  system_output: z.union([z.string(), z.array(z.string())]).nullish(),
  stack_trace: str,
  attachment_url: str,
});
export type TGlTestCase = z.infer<typeof ZGlTestCase>;

export const ZGlTestSuite = z.looseObject({
  name: z.string(),
  total_count: z.number().nullish(),
  failed_count: z.number().nullish(),
  error_count: z.number().nullish(),
  test_cases: z.array(ZGlTestCase).nullish(),
});

export const ZGlTestReport = z.looseObject({
  total_time: z.number().nullish(),
  total_count: z.number().nullish(),
  success_count: z.number().nullish(),
  failed_count: z.number().nullish(),
  skipped_count: z.number().nullish(),
  error_count: z.number().nullish(),
  test_suites: z.array(ZGlTestSuite).nullish(),
});
export type TGlTestReport = z.infer<typeof ZGlTestReport>;

export const ZGlCommit = z.looseObject({
  id: z.string(),
  short_id: str,
  title: str,
  message: str,
  author_name: str,
  author_email: str,
  web_url: str,
});
export type TGlCommit = z.infer<typeof ZGlCommit>;

export const ZGlMergeRequest = z.looseObject({
  id,
  iid: z.number().int(),
  project_id: z.number().int().nullish(),
  title: z.string(),
  description: str,
  state: z.string(),
  web_url: str,
  source_branch: str,
  target_branch: str,
  author: z.looseObject({ username: str, name: str }).nullish(),
});
export type TGlMergeRequest = z.infer<typeof ZGlMergeRequest>;

export const ZGlNote = z.looseObject({
  id,
  body: z.string(),
  system: z.boolean().nullish(),
  author: z.looseObject({ id: z.number().int().nullish(), username: str }).nullish(),
  created_at: str,
  updated_at: str,
});
export type TGlNote = z.infer<typeof ZGlNote>;

export const ZGlCommitComment = z.looseObject({
  note: z.string(),
  author: z.looseObject({ id: z.number().int().nullish(), username: str }).nullish(),
  created_at: str,
  path: str,
  line: z.number().nullish(),
});
export type TGlCommitComment = z.infer<typeof ZGlCommitComment>;

export const ZGlUser = z.looseObject({ id, username: z.string(), name: str });
export type TGlUser = z.infer<typeof ZGlUser>;
