/** The fake GitLab's fixtures and handle (see fake-gitlab.server.ts). */

/**
 * A trace as text, or generated on the fly (a 50 MB log without 50 MB in the test's memory):
 * `bytes` of `repeat` between `head` and `tail`, with its Content-Length announced as GitLab does;
 * `bytes: Infinity` is a log that never ends (no Content-Length); `chunkDelayMs` paces it like a
 * job that is still running.
 */
export type TFakeTrace = string | Buffer | { head?: string; repeat: string; bytes: number; tail?: string; chunkDelayMs?: number };

export type TFakeJob = {
  id: number;
  name: string;
  stage?: string;
  status?: string;
  failure_reason?: string | null;
  allow_failure?: boolean;
  retried?: boolean;
  duration?: number | null;
  artifacts?: Array<{ file_type: string; size: number; filename: string; file_format?: string | null }>;
  /** `redirectTo`: answered with a 302 there, as an instance keeping traces in object storage may. */
  trace?: TFakeTrace | { redirectTo: string };
  /** Files inside the artifacts archive, by path; `redirectTo` answers 302 like object storage does. */
  artifactFiles?: Record<string, string | { redirectTo: string }>;
  /** What a retry of this job (`POST /jobs/:id/retry`) ends with; absent: it fails again. */
  retryOutcome?: { status: string; failure_reason?: string | null; trace?: TFakeTrace; runningLooks?: number };
  /** `GET /jobs/:id` answers `running` this many more times before the job's status (a retry still on its way). */
  runningLooks?: number;
};

export type TFakeBridge = {
  id: number;
  name: string;
  stage?: string;
  status?: string;
  allow_failure?: boolean;
  /** `omitProjectId`: the answer leaves `project_id` out, as older GitLab versions (and the docs' example) do. */
  downstream?: { projectId: number; pipelineId: number; omitProjectId?: boolean };
};

export type TFakeTestCase = {
  status: string;
  name: string;
  classname?: string;
  file?: string | null;
  execution_time?: number;
  system_output?: string | null;
  stack_trace?: string | null;
};
export type TFakeTestReport = { suites: Array<{ name: string; cases: TFakeTestCase[] }> };

export type TFakePipeline = {
  id: number;
  iid?: number;
  ref?: string;
  sha?: string;
  status?: string;
  source?: string;
  /** A tag pipeline (`ref` is then the tag's name). */
  tag?: boolean;
  jobs?: TFakeJob[];
  bridges?: TFakeBridge[];
  /** Absent: 404 like an instance without the report; null: same. */
  testReport?: TFakeTestReport | null;
};

export type TFakeCommit = {
  id: string;
  title?: string;
  message?: string;
  author_name?: string;
  author_email?: string;
  /** The commit graph the compare API walks (`[]` or absent: a root commit). */
  parent_ids?: string[];
  /** The files the commit changed (its diff), for compare and commit diffs. */
  changed_files?: string[];
};
export type TFakeMergeRequest = {
  iid: number;
  title?: string;
  state?: string;
  source_branch?: string;
  target_branch?: string;
  author?: string;
  shas?: string[];
};
export type TFakeNote = { id: number; body: string; system?: boolean; author?: string; created_at: string; updated_at: string };
export type TFakeCommitComment = { note: string; author?: string; created_at: string };

export type TFakeProject = {
  id: number;
  path_with_namespace: string;
  name?: string;
  default_branch?: string;
  ci_config_path?: string | null;
  languages?: Record<string, number>;
  /** ref (sha or branch) → path → content */
  files?: Record<string, Record<string, string>>;
  commits?: TFakeCommit[];
  mergeRequests?: TFakeMergeRequest[];
  pipelines?: TFakePipeline[];
};

/** An injected answer: the next `times` matching requests get it instead of the real one. */
export type TFakeFailure = {
  method?: string;
  /** Matched against the API path (after `/api/v4`, `%2F` kept encoded), e.g. `/projects/1/pipelines/5/jobs`. */
  path: string | RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
  /** Destroy the socket instead of answering (a network error). */
  hangUp?: boolean;
  /** Never answer (the client times out); the socket is closed with the server. */
  stall?: boolean;
};

export type TFakeRequest = {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  token: string | undefined;
  body: unknown;
};

export type TFakeGitLabOptions = {
  /** Prefix of a self-managed instance under a sub-path, e.g. `/gitlab`. */
  basePath?: string;
  /** When set, PRIVATE-TOKEN must match or the answer is 401. */
  token?: string;
  /** Largest page the server hands out (GitLab caps at 100); small values force pagination. */
  maxPerPage?: number;
  projects?: TFakeProject[];
  /** Delay before each answer, so concurrent requests overlap. */
  latencyMs?: number;
};

export type TFakeGitLab = {
  /** What to give the client as its base URL (instance URL, sub-path included). */
  baseUrl: string;
  requests: TFakeRequest[];
  notes: Map<string, TFakeNote[]>;
  commitComments: Map<string, TFakeCommitComment[]>;
  addProject(project: TFakeProject): void;
  addPipeline(projectId: number, pipeline: TFakePipeline): void;
  fail(failure: TFakeFailure): void;
  /** Requests whose API path matches, optionally of one method. */
  countRequests(path: string | RegExp, method?: string): number;
  /** Most requests in flight at once since start. */
  peakInFlight(): number;
  close(): Promise<void>;
};
