import { Readable } from 'node:stream';
import { ExcerptBuilder, excerptLog } from './excerpt';
import { forEachLine } from './line-reader';

/** 300k lines (~20 MB) with a failure block every 500 lines and one huge line without a newline. */
function* generateLog(): Generator<string> {
  for (let i = 1; i <= 300_000; i++) {
    if (i % 500 === 0) yield `src/m${i}.c:${i}:1: error: expected ';' before '}' token\n    int x = ${i}\n`;
    else yield `[${i}] building target ${i % 97} ... ok\n`;
    if (i === 150_000) yield `${'x'.repeat(2_000_000)}`;
  }
}

describe('streaming', () => {
  it('holds a bounded number of lines whatever the log size', async () => {
    const builder = new ExcerptBuilder(50);
    let peak = 0;
    let count = 0;
    await forEachLine(Readable.from(generateLog()), (raw) => {
      builder.push(raw);
      if (++count % 1000 === 0) peak = Math.max(peak, builder.retainedLines);
    });
    expect(count).toBeGreaterThan(300_000);
    expect(peak).toBeGreaterThan(1_000);
    expect(peak).toBeLessThanOrEqual(10_000 + 2_000 + 3 * 50);
  });

  it('cuts an endless line instead of holding it', async () => {
    const lengths: number[] = [];
    await forEachLine(Readable.from([`${'y'.repeat(1_000_000)}`, 'tail\nnext']), (raw) => lengths.push(raw.length));
    expect(lengths).toEqual([8192, 4]);
  });

  it('excerpts a long stream of repeated failures within the budget', async () => {
    const excerpt = await excerptLog(Readable.from(generateLog()));
    expect(excerpt.totalLines).toBe(300_000 + 600);
    expect(excerpt.lines.length).toBeLessThanOrEqual(150);
    expect(excerpt.lines.some((l) => /^src\/m\d+\.c:\d+:1: error: expected ';'/.test(l.text))).toBe(true);
  });
});
