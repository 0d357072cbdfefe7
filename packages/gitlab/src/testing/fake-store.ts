import type { TFakeCommitComment, TFakeJob, TFakeNote, TFakePipeline, TFakeProject } from './fake-gitlab.types';

/** What the fake GitLab holds (projects with their pipelines, posted notes and comments) and how it finds it. */
export type TFakeStore = {
  projects: Map<number, TFakeProject>;
  /** Merge request notes by `projectId:iid`. */
  notes: Map<string, TFakeNote[]>;
  /** Commit comments by `projectId:sha`. */
  commitComments: Map<string, TFakeCommitComment[]>;
  /** Largest page the server hands out. */
  maxPerPage: number;
  /** The instance's web URL (known once the server listens). */
  webBase(): string;
  nextNoteId(): number;
  /** Ids of jobs the fake creates (retries), far above the tests' own. */
  nextJobId(): number;
  /** By numeric id or by `path_with_namespace`, as the API's `:id` is. */
  findProject(key: string): TFakeProject | undefined;
  findPipeline(projectId: number, pipelineId: number): TFakePipeline | undefined;
  findJob(project: TFakeProject, jobId: number): { pipeline: TFakePipeline; job: TFakeJob } | undefined;
};

// Benchmarks hold thousands of pipelines: look ids up in an index, rebuilt when the list grows.
type TIndex = { size: number; pipelines: Map<number, TFakePipeline>; jobs: Map<number, { pipeline: TFakePipeline; job: TFakeJob }> };

export function createFakeStore(options: { maxPerPage: number; webBase: () => string }): TFakeStore {
  const projects = new Map<number, TFakeProject>();
  const indexes = new WeakMap<TFakePipeline[], TIndex>();
  let nextNoteId = 1000;
  let nextJobId = 9_000_000;

  const indexOf = (project: TFakeProject): TIndex => {
    const list = project.pipelines ?? [];
    let index = indexes.get(list);
    if (!index || index.size !== list.length) {
      index = { size: list.length, pipelines: new Map(), jobs: new Map() };
      for (const pipeline of list) {
        if (!index.pipelines.has(pipeline.id)) index.pipelines.set(pipeline.id, pipeline);
        for (const job of pipeline.jobs ?? []) if (!index.jobs.has(job.id)) index.jobs.set(job.id, { pipeline, job });
      }
      indexes.set(list, index);
    }
    return index;
  };

  return {
    projects,
    notes: new Map(),
    commitComments: new Map(),
    maxPerPage: options.maxPerPage,
    webBase: options.webBase,
    nextNoteId: () => nextNoteId++,
    nextJobId: () => nextJobId++,
    findProject(key) {
      if (/^\d+$/.test(key)) return projects.get(Number(key));
      return [...projects.values()].find((p) => p.path_with_namespace === key);
    },
    findPipeline(projectId, pipelineId) {
      const project = projects.get(projectId);
      if (!project) return undefined;
      // Tests may edit a pipeline after adding it: a miss falls back to a scan.
      return indexOf(project).pipelines.get(pipelineId) ?? project.pipelines?.find((p) => p.id === pipelineId);
    },
    findJob(project, jobId) {
      const indexed = indexOf(project).jobs.get(jobId);
      if (indexed) return indexed;
      for (const pipeline of project.pipelines ?? []) {
        const job = pipeline.jobs?.find((j) => j.id === jobId);
        if (job) return { pipeline, job };
      }
      return undefined;
    },
  };
}
