import { CORE_SCORE } from './excerpt-rank';
import { scoreLine } from './line-score';

describe('scoreLine', () => {
  it('counts a diagnostic that names its -Werror flag as a failure, but not a command line passing -Werror', () => {
    expect(scoreLine('src/Lib/Suggest.hs:8:1: error: [-Wunused-imports, -Werror=unused-imports]').score).toBeGreaterThanOrEqual(CORE_SCORE);
    expect(scoreLine('src/a.c:3:5: error: unused variable ‘x’ [-Werror=unused-variable]').score).toBeGreaterThanOrEqual(CORE_SCORE);
    expect(scoreLine('cc -O2 -Wall -Werror -c src/a.c -o a.o error.o').score).toBeLessThan(CORE_SCORE);
  });

  it('counts GNU path:line:col diagnostics, but not warnings and notes', () => {
    expect(scoreLine('  /builds/acme/lib/f.js:3:7: Strings must use singlequote.').score).toBeGreaterThanOrEqual(CORE_SCORE);
    expect(scoreLine('ext/m.c:10:5: warning: unused variable ‘v’ [-Wunused-variable]').score).toBeLessThan(CORE_SCORE);
    expect(scoreLine('ext/m.c:12:5: note: declared here').score).toBeLessThan(CORE_SCORE);
  });
});
