/** Characters the assignment patterns allow in a name before its secret-like word (`MY_DB.` in `MY_DB.PASSWORD=`). */
const PREFIX_CHAR = /[A-Za-z0-9_.-]/;

const stickyCopies = new WeakMap<RegExp, RegExp>();

/** The pattern matching only where it is told to start (one copy per pattern, made when first needed). */
function stickyCopy(pattern: RegExp): RegExp {
  let sticky = stickyCopies.get(pattern);
  if (sticky === undefined) {
    sticky = new RegExp(pattern.source, pattern.flags.replace('g', '') + 'y');
    stickyCopies.set(pattern, sticky);
  }
  return sticky;
}

/** Gets the match and its groups (undefined for a group that took no part in the match). */
type TReplacer = (match: string, ...groups: (string | undefined)[]) => string;

/**
 * `text.replace(pattern, replacer)` for a global `pattern` whose every match begins with a run of
 * {@link PREFIX_CHAR} characters that reaches an occurrence of `anchor` (the pattern's required
 * word and what must follow it). Only the positions of such runs are tried, with a sticky copy of
 * the pattern, instead of the pattern's scan of every position of the text; same matches, same
 * output, at a fraction of the cost on texts where the word occurs but no match does.
 *
 * Why the result is the same: a match starting at x has its anchor at some w >= x with [x, w) all
 * prefix characters, so x lies in the run that ends at w. Runs are visited left to right and every
 * start in them is tried in order, so the first start that matches is the leftmost match, which is
 * what the global scan would find; the scan then resumes after the match, as `replace` does.
 */
export function replaceAnchored(text: string, anchor: RegExp, pattern: RegExp, replacer: TReplacer): string {
  if (!anchor.global || !pattern.global) throw new Error('replaceAnchored needs global expressions');
  let sticky: RegExp | undefined;
  let out = '';
  /** End of the last replacement (what is copied from), and the first start not yet tried. */
  let copied = 0;
  let tried = 0;
  anchor.lastIndex = 0;
  for (let a = anchor.exec(text); a !== null; a = anchor.exec(text)) {
    let start = a.index;
    while (start > tried && PREFIX_CHAR.test(text[start - 1] as string)) start--;
    let found: RegExpExecArray | null = null;
    sticky ??= stickyCopy(pattern);
    for (let x = Math.max(start, tried); x <= a.index && found === null; x++) {
      sticky.lastIndex = x;
      found = sticky.exec(text);
    }
    tried = a.index + 1;
    if (found === null) {
      anchor.lastIndex = tried;
      continue;
    }
    out += text.slice(copied, found.index) + replacer(...(found as unknown as [string, ...string[]]));
    copied = found.index + found[0].length;
    // An empty match would loop forever in a scan; the patterns used here never match empty.
    tried = Math.max(tried, copied);
    anchor.lastIndex = tried;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
