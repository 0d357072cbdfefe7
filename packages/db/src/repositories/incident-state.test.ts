import { nextIncidentState, type TIncidentChange } from './incident-state';

const T0 = new Date('2026-11-20T10:00:00Z');
const T1 = new Date('2026-11-20T11:00:00Z');
const open: TIncidentChange = {
  status: 'open',
  lastSeenAt: T0,
  failingSincePipelineId: null,
  failingSinceSha: null,
  failingSinceAt: null,
  lastDefaultPipelineId: null,
  fixedPipelineId: null,
  fixedSha: null,
  fixedAt: null,
};
const onMain = (pipelineId: number, at = T1) => ({ pipelineId, sha: `sha-${pipelineId}`, onDefaultBranch: true, at });

describe('nextIncidentState', () => {
  it('off the default branch only moves last seen, forward only', () => {
    const fixed = { ...open, status: 'fixed' as const, fixedPipelineId: 10, fixedSha: 'sha-10', fixedAt: T0 };
    expect(nextIncidentState(fixed, { ...onMain(12), onDefaultBranch: false })).toEqual({ ...fixed, lastSeenAt: T1 });
    expect(nextIncidentState({ ...open, lastSeenAt: T1 }, { ...onMain(12, T0), onDefaultBranch: false }).lastSeenAt).toBe(T1);
  });

  it('starts the red streak on the default branch, or moves it back to an older pipeline analysed late', () => {
    const started = nextIncidentState(open, onMain(20));
    expect(started).toMatchObject({ failingSincePipelineId: 20, failingSinceSha: 'sha-20', lastDefaultPipelineId: 20 });
    expect(nextIncidentState(started, onMain(22))).toMatchObject({ failingSincePipelineId: 20, lastDefaultPipelineId: 22 });
    expect(nextIncidentState(started, onMain(18))).toMatchObject({ failingSincePipelineId: 18, lastDefaultPipelineId: 20 });
  });

  it('reopens a fixed incident for a newer failure on the default branch only', () => {
    const fixed = { ...open, status: 'fixed' as const, fixedPipelineId: 30, fixedSha: 'sha-30', fixedAt: T0, lastDefaultPipelineId: 25 };
    expect(nextIncidentState(fixed, onMain(28))).toMatchObject({
      status: 'fixed',
      fixedPipelineId: 30,
      failingSincePipelineId: null,
      lastDefaultPipelineId: 28,
    });
    expect(nextIncidentState(fixed, onMain(31))).toMatchObject({
      status: 'open',
      fixedPipelineId: null,
      fixedSha: null,
      failingSincePipelineId: 31,
      lastDefaultPipelineId: 31,
    });
  });
});
