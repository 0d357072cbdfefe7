/**
 * IMAP_GITLAB_EMAIL entries are full addresses (`gitlab@example.com`, exact match) or domains
 * (`mg.gitlab.com` / `@gitlab.com`, which also match subdomains): GitLab.com sends from its mail
 * domain, a self-managed instance from its configured address.
 */
export function matchesSender(addresses: string[], allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  return addresses.some((address) => {
    const a = address.toLowerCase();
    const domain = a.slice(a.lastIndexOf('@') + 1);
    return allowed.some((entry) => {
      const e = entry.trim().toLowerCase();
      if (e.includes('@') && !e.startsWith('@')) return a === e;
      const d = e.replace(/^@/, '');
      return domain === d || domain.endsWith(`.${d}`);
    });
  });
}
