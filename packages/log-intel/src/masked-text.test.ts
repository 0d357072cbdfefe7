import type { TMaskedLine, TMaskedText } from '@cia/contracts';
import { excerptLog } from './excerpt';
import { maskerFor } from './mask';

/**
 * What the type promises is checked by tsc (`npm run typecheck` covers tests): each
 * `@ts-expect-error` below fails the typecheck the day the line it marks compiles.
 */
describe('TMaskedText', () => {
  test('only the masker makes it, and it refuses text that is masked already', () => {
    const mask = maskerFor(['hunter2-hunter2']);
    const masked: TMaskedText = mask('password=hunter2-hunter2');
    // @ts-expect-error a plain string is not masked text
    const plain: TMaskedText = 'password=hunter2-hunter2';
    // @ts-expect-error masking it again would be wasted work
    const twice = mask(masked);

    expect(masked).toBe('password=[MASKED:secret_value]');
    expect(twice).toBe(masked);
    expect(plain).toContain('hunter2');
  });

  test('the excerpt hands out masked lines; hand-made lines are not', async () => {
    const excerpt = await excerptLog('$ deploy --token glpat-Zx8vQm2LkP9sTr4WnB7y\nERROR: Job failed: exit code 1');
    const lines: TMaskedLine[] = excerpt.lines;
    // @ts-expect-error a line of raw log text is not a masked line
    const raw: TMaskedLine[] = [{ line: 1, text: '$ deploy --token glpat-Zx8vQm2LkP9sTr4WnB7y' }];

    expect(lines.map((l) => l.text).join('\n')).not.toContain('glpat-');
    expect(raw).toHaveLength(1);
  });
});
