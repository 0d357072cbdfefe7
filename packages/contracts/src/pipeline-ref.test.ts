import { canonicalPipelineRef } from './pipeline-ref';

describe('canonicalPipelineRef', () => {
  it.each([
    ['a branch pipeline keeps its ref', { ref: 'main' }, { ref: 'main', merge_request_iid: null }],
    [
      'an MR ref gives the source branch and the iid',
      { ref: 'refs/merge-requests/7/head', sourceBranch: 'feature/x' },
      { ref: 'feature/x', merge_request_iid: 7 },
    ],
    [
      'merged results and merge trains too',
      { ref: 'refs/merge-requests/12/merge', sourceBranch: 'fix' },
      { ref: 'fix', merge_request_iid: 12 },
    ],
    [
      'an MR ref without the branch leaves the ref unknown, the iid kept',
      { ref: 'refs/merge-requests/7/train' },
      { ref: null, merge_request_iid: 7 },
    ],
    [
      'the source branch already as ref, the iid from the trigger',
      { ref: 'feature/x', sourceBranch: 'feature/x', mergeRequestIid: 7 },
      { ref: 'feature/x', merge_request_iid: 7 },
    ],
    ['no ref at all takes the branch', { ref: null, sourceBranch: 'feature/x' }, { ref: 'feature/x', merge_request_iid: null }],
    [
      'a look-alike is not an MR ref',
      { ref: 'refs/merge-requests/7/other' },
      { ref: 'refs/merge-requests/7/other', merge_request_iid: null },
    ],
  ])('%s', (_name, input, expected) => {
    expect(canonicalPipelineRef(input)).toEqual(expected);
  });
});
