/** DATABASE_URL as messages may show it: the password replaced, nothing else changed. */
export function publicDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

/** Rejects what node-postgres would misread (a MySQL URL, a bare word) before it is tried. */
export function checkDatabaseUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error('DATABASE_URL is not a URL: expected postgres://user:password@host:5432/database');
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must be a PostgreSQL URL (postgres:// or postgresql://), not ${protocol}// (${publicDatabaseUrl(url)})`);
  }
}

/**
 * The reason a connection failed, in words: node-postgres gives PostgreSQL's own message ("database
 * \"x\" does not exist"), or Node's socket error, which for a host name with several addresses is an
 * AggregateError with an empty message.
 */
export function describeConnectError(err: unknown): string {
  const e = err as Error & { code?: string; errors?: unknown[] };
  const inner = e.errors?.[0] as (Error & { code?: string }) | undefined;
  const message = e.message || inner?.message || e.code || String(err);
  const code = e.code ?? inner?.code;
  if (code === 'ECONNREFUSED') return `connection refused, is PostgreSQL running there? (${message})`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host (${message})`;
  return message;
}
