/**
 * GitLab answers some reads (traces, artifacts) with a 302 to object storage. Whatever the
 * redirect answers becomes log text the analysis trusts, so a hop is followed only to GitLab's own
 * origin or to a host the operator listed (GITLAB_REDIRECT_HOSTS), and never from https to http.
 */
export class RedirectRefusedError extends Error {
  readonly host: string;
  constructor(host: string) {
    super(`redirect to ${host} refused (not GitLab's host nor in GITLAB_REDIRECT_HOSTS)`);
    this.name = 'RedirectRefusedError';
    this.host = host;
  }
}

/**
 * What follow-redirects hands to `beforeRedirect` (the options of the next hop). Through a
 * forward proxy axios has already pointed hostname and port at the proxy: `href` is the hop.
 */
type TRedirectOptions = { href?: string; protocol?: string; hostname?: string; host?: string; port?: string | number | null };

function hopOf(options: TRedirectOptions): TRedirectOptions {
  if (!options.href) return options;
  const url = new URL(options.href);
  return { protocol: url.protocol, hostname: url.hostname, port: url.port };
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function hostKey(protocol: string, hostname: string, port: string | number | null | undefined): string {
  const bare = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const effective = String(port ?? '') || DEFAULT_PORTS[protocol] || '';
  return `${bare}:${effective}`;
}

/**
 * A `beforeRedirect` for axios (its documented way to cancel a redirect is to throw): allows the
 * API's own origin and `host` / `host:port` entries (no port: the protocol's default port).
 */
export function createRedirectGuard(apiBase: string, allowedHosts: readonly string[]): (options: Record<string, unknown>) => void {
  const api = new URL(apiBase);
  const allowed = new Set<string>([hostKey(api.protocol, api.hostname, api.port)]);
  for (const entry of allowedHosts) {
    const parsed = new URL(`${api.protocol}//${entry}`);
    // An entry without a port means the default port of whichever protocol the hop uses.
    if (parsed.port) allowed.add(hostKey('', parsed.hostname, parsed.port));
    else for (const protocol of Object.keys(DEFAULT_PORTS)) allowed.add(hostKey(protocol, parsed.hostname, null));
  }
  const mayDowngrade = api.protocol === 'http:';
  return (options) => {
    const target = hopOf(options as TRedirectOptions);
    const protocol = target.protocol ?? api.protocol;
    const hostname = target.hostname ?? target.host ?? '';
    const key = hostKey(protocol, hostname, target.port);
    if (!(protocol === 'https:' || (protocol === 'http:' && mayDowngrade)) || !allowed.has(key)) throw new RedirectRefusedError(key);
  };
}

/** The refusal inside the errors axios and follow-redirects wrap it in. */
export function findRedirectRefusal(err: unknown): RedirectRefusedError | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof RedirectRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
