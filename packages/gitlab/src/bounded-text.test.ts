import { Readable } from 'node:stream';
import { readBoundedText } from './bounded-text';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';

describe('readBoundedText', () => {
  it('returns a small text whole and not truncated', async () => {
    const out = await readBoundedText(Readable.from([Buffer.from('a\nb\n'), Buffer.from('c\n')]), { maxBytes: 1000, maxLines: 100 });
    expect(out).toMatchObject({ text: 'a\nb\nc', truncated: false, totalBytes: 6, totalLines: 3, keptLines: 3, omittedLines: 0 });
  });

  it.each([
    ['', '', 0],
    ['\n', '', 1],
    ['one', 'one', 1],
    ['one\n', 'one', 1],
    ['one\n\n', 'one\n', 2],
    ['a\r\nb\r\n', 'a\r\nb\r', 2],
    ['héllo ✓\nwörld\n', 'héllo ✓\nwörld', 2],
  ])('keeps a text within the limits as it is, without its last line end (%j)', async (source, text, totalLines) => {
    const out = await readBoundedText(Readable.from([Buffer.from(source)]), { maxBytes: 1000, maxLines: 10 });
    expect(out).toEqual({
      text,
      totalBytes: Buffer.byteLength(source),
      totalLines,
      keptBytes: Buffer.byteLength(text),
      keptLines: totalLines,
      truncated: false,
      omittedBytes: 0,
      omittedLines: 0,
      peakRetainedBytes: Buffer.byteLength(source),
      readBytes: Buffer.byteLength(source),
      stoppedBy: null,
      sizeKnown: true,
    });
  });

  it('counts a text whose bytes are not valid UTF-8 as altered', async () => {
    const out = await readBoundedText(Readable.from([Buffer.from([0x61, 0xff, 0xfe, 0x0a])]), { maxBytes: 1000, maxLines: 10 });
    expect(out.totalBytes).toBe(4);
    expect(out.text.startsWith('a\uFFFD')).toBe(true);
    expect(out.keptBytes).toBeGreaterThan(3);
  });

  it('keeps head and tail on line boundaries when the byte limit cuts, and says so', async () => {
    const source = lines(10_000);
    const chunks = source.match(/[\s\S]{1,777}/g) ?? [];
    const out = await readBoundedText(Readable.from(chunks.map((c) => Buffer.from(c))), { maxBytes: 10_000, maxLines: 0 });
    expect(out.truncated).toBe(true);
    expect(out.totalBytes).toBe(Buffer.byteLength(source));
    expect(out.totalLines).toBe(10_000);
    const kept = out.text.split('\n');
    expect(kept[0]).toBe('line 1');
    expect(kept[kept.length - 1]).toBe('line 10000');
    expect(out.text).toMatch(/ci-analyst: \d+ lines \(\d+ bytes\) omitted/);
    expect(kept.every((l) => /^line \d+$/.test(l) || l.includes('omitted'))).toBe(true);
    expect(out.keptBytes).toBeLessThanOrEqual(10_000 + 200);
    expect(out.keptLines + out.omittedLines).toBe(10_000);
    expect(out.peakRetainedBytes).toBeLessThanOrEqual(10_000 + 777);
  });

  it('keeps the first and last lines when the line limit cuts', async () => {
    const out = await readBoundedText(Readable.from([lines(1000)]), { maxBytes: 1_000_000, maxLines: 100 });
    const kept = out.text.split('\n');
    expect(out.truncated).toBe(true);
    expect(out.keptLines).toBe(100);
    expect(out.omittedLines).toBe(900);
    expect(kept[0]).toBe('line 1');
    expect(kept[19]).toBe('line 20');
    expect(kept[20]).toContain('900 lines');
    expect(kept[kept.length - 1]).toBe('line 1000');
  });

  it('applies both limits together', async () => {
    const out = await readBoundedText(Readable.from([lines(50_000)]), { maxBytes: 50_000, maxLines: 200 });
    expect(out.truncated).toBe(true);
    expect(out.keptLines).toBeLessThanOrEqual(200);
    expect(out.text.startsWith('line 1\n')).toBe(true);
    expect(out.text.endsWith('line 50000')).toBe(true);
  });

  it('reads an empty source as empty', async () => {
    const out = await readBoundedText(Readable.from([]), { maxBytes: 10, maxLines: 10 });
    expect(out).toMatchObject({ text: '', totalBytes: 0, totalLines: 0, truncated: false });
  });

  it('bounds memory for one huge chunk', async () => {
    const big = Buffer.alloc(5_000_000, 'x\n');
    const out = await readBoundedText(Readable.from([big]), { maxBytes: 4_000, maxLines: 0 });
    expect(out.truncated).toBe(true);
    expect(out.keptBytes).toBeLessThan(4_200);
    expect(out.peakRetainedBytes).toBeLessThanOrEqual(4_000 * 2);
  });

  it('stops at the byte budget mid-line, keeps whole lines only and ends with a marker', async () => {
    const source = lines(100);
    const size = Buffer.byteLength(source);
    const out = await readBoundedText(
      Readable.from([source]),
      { maxBytes: 10_000, maxLines: 0, maxReadBytes: 50 },
      { announcedBytes: size },
    );
    expect(out).toMatchObject({
      readBytes: 50,
      totalBytes: size,
      sizeKnown: true,
      stoppedBy: 'byte_budget',
      truncated: true,
      keptLines: 7,
    });
    expect(out.text.split('\n')).toEqual([
      ...lines(7).trimEnd().split('\n'),
      `[... ci-analyst: stopped reading this log after 50 of ${size} bytes (byte budget) ...]`,
    ]);
    expect(out.omittedBytes).toBe(size - 49);
  });

  it('reads a source exactly as long as the byte budget whole', async () => {
    const out = await readBoundedText(Readable.from([lines(3)]), { maxBytes: 1000, maxLines: 0, maxReadBytes: 21 });
    expect(out).toMatchObject({ text: 'line 1\nline 2\nline 3', stoppedBy: null, truncated: false, totalBytes: 21 });
  });

  it('ends the read when the signal aborts the source, keeping what was read', async () => {
    const controller = new AbortController();
    async function* endless() {
      for (let i = 1; ; i++) {
        if (i === 500) controller.abort();
        if (controller.signal.aborted) throw controller.signal.reason;
        yield Buffer.from(`line ${i}\n`);
      }
    }
    const out = await readBoundedText(endless(), { maxBytes: 200, maxLines: 0 }, { signal: controller.signal });
    expect(out).toMatchObject({ stoppedBy: 'time_budget', sizeKnown: false, truncated: true, totalLines: 499 });
    const kept = out.text.split('\n');
    expect(kept[0]).toBe('line 1');
    expect(kept.at(-2)).toBe('line 499');
    expect(kept.at(-1)).toMatch(/stopped reading this log after \d+ bytes \(time budget\); it had not ended/);
  });
});
