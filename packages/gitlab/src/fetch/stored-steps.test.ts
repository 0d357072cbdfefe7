import type { TMasker } from '@cia/contracts';
import { STORED_CUT_LOG_BYTES, toStoredStep } from './stored-steps';
import type { TLogText } from './pipeline-context.types';

const record = { step: 'trace:7', ok: true, bytes: 5_000_000_000, count: 1, ms: 3 };

function log(lines: number, extra: Partial<TLogText> = {}): TLogText {
  const text = Array.from({ length: lines }, (_, i) => `line ${i + 1} of a long job log`).join('\n');
  const bytes = Buffer.byteLength(text);
  return {
    source: 'api',
    text,
    total_bytes: bytes,
    total_lines: lines,
    kept_bytes: bytes,
    kept_lines: lines,
    truncated: false,
    omitted_lines: 0,
    ...extra,
  };
}

const identity = ((text: string) => text) as unknown as TMasker;

describe('toStoredStep', () => {
  it('keeps only the record of a log read to its end (a retry reads it again)', () => {
    expect(toStoredStep('trace:7', { record, data: log(10) }, identity)).toEqual({ record });
    expect(toStoredStep('baseline_trace:7', { record, data: log(10) }, identity)).toEqual({ record });
  });

  it('keeps the head and tail of a log a read budget stopped, within the stored size, its real size kept', () => {
    const cut = log(100_000, { total_bytes: 5_000_000_000, truncated: true, read_stop: 'byte_budget', size_known: true });
    const stored = toStoredStep('trace:7', { record: { ...record, truncated: true, read_stop: 'byte_budget' }, data: cut }, identity);
    const data = stored.data as TLogText;
    expect(Buffer.byteLength(data.text)).toBeLessThanOrEqual(STORED_CUT_LOG_BYTES + 200);
    expect(data).toMatchObject({ total_bytes: 5_000_000_000, read_stop: 'byte_budget', truncated: true });
    const lines = data.text.split('\n');
    expect(lines[0]).toBe('line 1 of a long job log');
    expect(lines.at(-1)).toBe('line 100000 of a long job log');
    expect(lines.filter((l) => l.includes('not stored for a retry'))).toHaveLength(1);
    expect(data.kept_lines).toBe(lines.length - 1);
  });

  it('masks the log text it keeps: raw log text is stored only through the mask', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => (i === 49_990 ? 'export DEPLOY_TOKEN=hunter2-hunter2' : `line ${i + 1}`));
    const text = lines.join('\n');
    const cut: TLogText = {
      source: 'api',
      text,
      total_bytes: 9e9,
      total_lines: 50_000,
      kept_bytes: text.length,
      kept_lines: 50_000,
      truncated: true,
      omitted_lines: 0,
      read_stop: 'time_budget',
    };
    const mask = ((t: string) => t.replaceAll('hunter2-hunter2', '[MASKED:secret_value]')) as unknown as TMasker;
    const stored = toStoredStep('trace:7', { record: { ...record, truncated: true, read_stop: 'time_budget' }, data: cut }, mask);
    const data = stored.data as TLogText;
    expect(data.text).toContain('export DEPLOY_TOKEN=[MASKED:secret_value]');
    expect(data.text).not.toContain('hunter2');
  });

  it('leaves other steps whole', () => {
    const entry = { record: { ...record, step: 'project' }, data: { id: 1 } };
    expect(toStoredStep('project', entry, identity)).toBe(entry);
  });
});
