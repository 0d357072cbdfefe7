/**
 * Where a note, a Slack message or the results page may link. Links are built by us: to GitLab
 * from GITLAB_BASE_URL, a project path GitLab confirmed and ids (never a URL a payload carried),
 * and to our own results page (PUBLIC_URL). The only links taken from an analysis are its
 * documentation links, and only to the documentation hosts of POSTBACK_LINK_HOSTS: an AI answer or
 * a log line never makes a link to an internal host, a metadata endpoint or a phishing page.
 */
export type TLinkPolicy = {
  /** GITLAB_BASE_URL: GitLab links must stay under it. */
  gitlabBaseUrl: string;
  /** POSTBACK_LINK_HOSTS: `host` (its subdomains too) or `host:port`. */
  docHosts: readonly string[];
  /** PUBLIC_URL: the results page. */
  publicUrl?: string;
};

/** An absolute http(s) URL without credentials, or undefined. */
function parseHttpUrl(url: string | null | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return undefined;
    return u;
  } catch {
    return undefined;
  }
}

/**
 * The href to render for a URL: an absolute http(s) URL without credentials, normalised by the URL
 * parser (what is rendered is what was checked); undefined for anything else (`javascript:`,
 * `data:`, relative paths), which is then shown as text.
 */
export function safeUrl(url: string | null | undefined): string | undefined {
  return parseHttpUrl(url)?.href;
}

function isUnder(url: URL, base: string): boolean {
  const b = parseHttpUrl(base);
  if (!b || url.origin !== b.origin) return false;
  const prefix = b.pathname.replace(/\/+$/, '');
  return url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
}

/** https on a listed documentation host (an entry without a port allows its subdomains, default port only). */
export function isDocumentationLink(url: string, docHosts: readonly string[]): boolean {
  const u = parseHttpUrl(url);
  if (!u || u.protocol !== 'https:') return false;
  const host = u.hostname.toLowerCase();
  return docHosts.some((entry) => {
    const [name = '', port] = entry.toLowerCase().split(':');
    if (port !== undefined) return host === name && u.port === port;
    return u.port === '' && (host === name || host.endsWith(`.${name}`));
  });
}

/** Whether a URL may be rendered as a link under the policy. */
export function isAllowedLink(policy: TLinkPolicy, url: string | null | undefined): boolean {
  const u = parseHttpUrl(url);
  if (!u) return false;
  return (
    isUnder(u, policy.gitlabBaseUrl) ||
    (policy.publicUrl !== undefined && isUnder(u, policy.publicUrl)) ||
    isDocumentationLink(u.href, policy.docHosts)
  );
}

/** The analysis' documentation links that may be shown, deduplicated, at most `max`. */
export function allowedDocumentationLinks(links: readonly string[], docHosts: readonly string[], max = 5): string[] {
  const kept = links.filter((l) => isDocumentationLink(l, docHosts)).map((l) => new URL(l).href);
  return [...new Set(kept)].slice(0, max);
}

/** GitLab project paths are letters, digits, `_`, `-`, `.` (and `+` in old groups), slash-separated. */
export function isProjectPath(path: string | null | undefined): path is string {
  if (!path) return false;
  const segments = path.split('/');
  return segments.length >= 2 && segments.every((s) => /^[\w.+-]+$/.test(s) && s !== '.' && s !== '..');
}

/** `<GITLAB_BASE_URL>/<project path>/-/<kind>/<id>`; undefined without a valid project path. */
export function gitlabPageUrl(
  gitlabBaseUrl: string,
  projectPath: string | null | undefined,
  kind: 'pipelines' | 'jobs',
  id: number,
): string | undefined {
  if (!isProjectPath(projectPath) || !Number.isSafeInteger(id)) return undefined;
  return `${gitlabBaseUrl.replace(/\/+$/, '')}/${projectPath}/-/${kind}/${id}`;
}
