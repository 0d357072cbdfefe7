import { auditBody } from './audit-body';
import { pipelineHook } from '../../../../tests/fixtures/gitlab-payloads';

const auditOf = (raw: string) => auditBody(raw, JSON.parse(raw));

describe('the audit copy of a delivery', () => {
  test('masks pipeline variable values and keeps the rest of the text as sent', () => {
    const raw = JSON.stringify(pipelineHook({ pipelineId: 1 }));
    const audit = auditOf(raw);
    expect(audit).not.toContain('us-west-1');
    expect(JSON.parse(audit)).toEqual({
      ...JSON.parse(raw),
      object_attributes: {
        ...JSON.parse(raw).object_attributes,
        variables: [{ key: 'NESTOR_PROD_ENVIRONMENT', value: '[MASKED:variable]' }],
      },
    });
    expect(audit.replace('[MASKED:variable]', 'us-west-1')).toBe(raw);
  });

  test('masks variables in a pretty-printed body', () => {
    const audit = auditOf(JSON.stringify(pipelineHook({ pipelineId: 1 }), null, 2));
    expect(audit).not.toContain('us-west-1');
    expect(JSON.parse(audit).object_attributes.variables[0].value).toBe('[MASKED:variable]');
  });

  test('masks every copy when a duplicated key is spelled with a \\u escape', () => {
    const raw = '{"object_attributes":{"variables":[{"key":"A","value":"s3cret"}],"\\u0076ariables":[{"key":"A","value":"s3cret"}]}}';
    expect(auditOf(raw)).not.toContain('s3cret');
  });

  test('masks the variables when the word "variables" also appears elsewhere', () => {
    const hook = pipelineHook({ pipelineId: 1 });
    const raw = JSON.stringify({ ...hook, commit: { ...hook.commit, message: 'add "variables":[] to the job' } });
    const audit = auditOf(raw);
    expect(audit).not.toContain('us-west-1');
    expect(JSON.parse(audit).commit.message).toBe('add "variables":[] to the job');
  });

  test('keeps a body without variables byte for byte', () => {
    const raw = ' {"object_kind":"pipeline","object_attributes":{"variables":[]}}';
    expect(auditOf(raw)).toBe(raw);
  });
});
