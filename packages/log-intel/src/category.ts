import type { TCategory } from '@cia/contracts';
import type { TExcerpt } from './types';

const KIND_CATEGORY: Record<string, TCategory> = {
  compiler: 'build',
  'build-tool': 'build',
  docker: 'build',
  test: 'test',
  diff: 'test',
  dependency: 'dependency',
  lint: 'lint',
  oom: 'out_of_memory',
  timeout: 'timeout',
};

/**
 * The category the excerpt's strongest failure block points to, when no knowledge-base rule
 * matched: enough to pick a prompt template.
 */
export function guessCategory(excerpt: Pick<TExcerpt, 'blocks'>): TCategory {
  const ranked = [...excerpt.blocks].sort((a, b) => b.score - a.score);
  for (const b of ranked) {
    const c = KIND_CATEGORY[b.kind];
    if (c !== undefined) return c;
  }
  return 'unknown';
}
