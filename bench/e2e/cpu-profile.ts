import fs from 'node:fs';
import path from 'node:path';

type TNode = { id: number; callFrame: { functionName: string; url: string }; children?: number[] };
type TProfile = { nodes: TNode[]; samples: number[]; timeDeltas: number[]; startTime: number };

/** A stretch of time in microseconds of the monotonic clock (`process.hrtime`), which V8's profiles use too. */
export type TWindowUs = { from: number; to: number };

/** Now on the clock of {@link TWindowUs}; the same in every process of this machine. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Where a frame's code lives: a package under node_modules, one of ours, node itself, or GC/idle. */
function ownerOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const ours = /\/(packages|services)\/([^/]+)\//.exec(url);
  if (ours) return `@cia/${ours[2]}`;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return path.basename(url);
}

/**
 * Self time per owner (package) and per function, as shares of all samples, from .cpuprofile
 * files; only the samples within `window` when one is given (a burst, not the start-up and warm-up).
 */
export function summarizeCpuProfiles(dir: string, what: string, options: { top?: number; window?: TWindowUs } = {}): string[] {
  const { top = 20, window } = options;
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const byOwner = new Map<string, number>();
  const byFn = new Map<string, number>();
  const byCaller = new Map<string, number>();
  let total = 0;
  for (const f of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as TProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const isRuntime = (owner: string) => owner === '(native)' || owner.startsWith('node:') || owner === '(anonymous)';
    /** Node's own code (sockets, streams, timers) charged to the package that called into it. */
    const callerOf = (id: number): string => {
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
        const n = nodes.get(cur);
        if (!n) break;
        const owner = ownerOf(n.callFrame.url, n.callFrame.functionName);
        if (!isRuntime(owner)) return owner === '(root)' ? 'event loop (I/O callbacks)' : owner;
      }
      return 'event loop (I/O callbacks)';
    };
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      at += dt;
      if (window && (at < window.from || at > window.to)) return;
      const n = nodes.get(id);
      if (!n) return;
      total += dt;
      const owner = ownerOf(n.callFrame.url, n.callFrame.functionName);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + dt);
      const fn = `${n.callFrame.functionName || '(anonymous)'} ${owner}`;
      byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
      const charged = isRuntime(owner) ? callerOf(id) : owner;
      byCaller.set(charged, (byCaller.get(charged) ?? 0) + dt);
    });
  }
  if (total === 0) return ['(no CPU profile written)'];
  // Shares of busy time: idle is the process waiting on GitLab, the AI, PostgreSQL or Redis.
  const idle = byOwner.get('(idle)') ?? 0;
  byOwner.delete('(idle)');
  byFn.delete('(idle) (idle)');
  byCaller.delete('(idle)');
  const busy = total - idle;
  const pct = (v: number) => `${((100 * v) / busy).toFixed(1)}%`;
  const rows = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `CPU profile of ${what} (${files.length} file(s), ${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(0)}% idle): share of busy time by package`,
    ...rows(byOwner).map(([k, v]) => `  ${pct(v).padStart(6)}  ${k}`),
    'share of busy time by package, Node runtime time charged to the package that called it:',
    ...rows(byCaller).map(([k, v]) => `  ${pct(v).padStart(6)}  ${k}`),
    'share of busy time by function (self):',
    ...rows(byFn).map(([k, v]) => `  ${pct(v).padStart(6)}  ${k}`),
  ];
}
