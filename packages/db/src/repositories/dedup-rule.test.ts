import { decideDedup, mergeFailedJobs } from './dedup-rule';

const job = (id: number, name: string, log_tail?: string) => ({
  id,
  name,
  stage: 'test',
  status: 'failed',
  ...(log_tail ? { log_tail } : {}),
});

describe('the dedup rule', () => {
  test('a pipeline without an analysis starts one', () => {
    expect(decideDedup(undefined, [job(1, 'unit')])).toBe('new_generation');
  });

  test('a trigger joins the analysis while it is queued or running', () => {
    expect(decideDedup({ status: 'queued', failedJobs: [job(1, 'unit')] }, [job(2, 'lint')])).toBe('join');
    expect(decideDedup({ status: 'running', failedJobs: [] }, [job(2, 'lint')])).toBe('join');
  });

  test('once finished, a trigger is a duplicate unless a job name failed that the analysis did not cover', () => {
    const finished = { status: 'completed' as const, failedJobs: [job(1, 'unit'), job(2, 'lint')] };
    expect(decideDedup(finished, [job(3, 'unit')])).toBe('duplicate');
    expect(decideDedup({ ...finished, status: 'failed' }, [job(3, 'unit')])).toBe('duplicate');
    expect(decideDedup(finished, [job(3, 'unit'), job(4, 'e2e')])).toBe('new_generation');
  });

  test('failed jobs merge by name, the newest job id winning and a known log tail kept', () => {
    const merged = mergeFailedJobs([job(5, 'unit', 'tail from email'), job(1, 'lint')], [job(9, 'unit'), job(7, 'e2e')]);
    expect(merged).toEqual([job(1, 'lint'), job(7, 'e2e'), job(9, 'unit', 'tail from email')]);
  });
});
