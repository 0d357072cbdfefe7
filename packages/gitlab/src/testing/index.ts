export { createFakeGitLab } from './fake-gitlab.server';
export type {
  TFakeGitLab,
  TFakeGitLabOptions,
  TFakeProject,
  TFakePipeline,
  TFakeJob,
  TFakeBridge,
  TFakeTrace,
  TFakeTestReport,
  TFakeTestCase,
  TFakeCommit,
  TFakeMergeRequest,
  TFakeFailure,
  TFakeRequest,
  TFakeNote,
  TFakeCommitComment,
} from './fake-gitlab.types';
