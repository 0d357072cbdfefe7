/**
 * Aho–Corasick over a fixed set of ASCII strings, compiled to a dense automaton: one pass over a
 * text, one table lookup per character, reports every string of the set the text contains,
 * however many strings there are. The rule engine uses it to test a line only against the
 * patterns whose required literal the line contains.
 */
export class LiteralIndex {
  /** Character code → column of the transition table; characters no string uses share column 0. */
  private readonly column = new Uint8Array(128);
  private readonly width: number;
  /** `table[state * width + column]`: the next state, failure links already followed. */
  private readonly table: Int32Array;
  /** Ids of the strings that end at each state, its suffix states' included. */
  private readonly out: number[][];

  constructor(strings: string[]) {
    const chars = [...new Set(strings.join(''))];
    if (chars.some((c) => c.charCodeAt(0) >= 128)) throw new Error('LiteralIndex: ASCII strings only');
    chars.forEach((c, i) => (this.column[c.charCodeAt(0)] = i + 1));
    this.width = chars.length + 1;
    const trie = this.buildTrie(strings);
    this.out = trie.out;
    this.table = this.link(trie.next);
  }

  private buildTrie(strings: string[]): { next: Map<number, number>[]; out: number[][] } {
    const next: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    strings.forEach((s, id) => {
      let state = 0;
      for (let i = 0; i < s.length; i++) {
        const col = this.column[s.charCodeAt(i)] as number;
        let to = next[state]?.get(col);
        if (to === undefined) {
          to = next.length;
          next.push(new Map());
          out.push([]);
          next[state]?.set(col, to);
        }
        state = to;
      }
      out[state]?.push(id);
    });
    return { next, out };
  }

  /** The complete transition table, breadth first so each state's failure state is done before it. */
  private link(next: Map<number, number>[]): Int32Array {
    const table = new Int32Array(next.length * this.width);
    const fail = new Int32Array(next.length);
    const queue: number[] = [];
    for (const [col, to] of next[0] ?? []) {
      table[col] = to;
      queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const f = fail[state] as number;
      for (let col = 0; col < this.width; col++) {
        const to = next[state]?.get(col);
        const viaFail = table[f * this.width + col] as number;
        if (to === undefined) {
          table[state * this.width + col] = viaFail;
          continue;
        }
        table[state * this.width + col] = to;
        fail[to] = viaFail;
        this.out[to]?.push(...(this.out[viaFail] ?? []));
        queue.push(to);
      }
    }
    return table;
  }

  /** Calls `found` with the id of every string `text` contains (an id may come more than once). */
  search(text: string, found: (id: number) => void): void {
    const { column, table, width, out } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = table[state * width + (code < 128 ? (column[code] as number) : 0)] as number;
      const ids = out[state] as number[];
      for (let k = 0; k < ids.length; k++) found(ids[k] as number);
    }
  }
}
