/** A notification endpoint refused or failed; `transient` says whether asking again may help. */
export class NotifyError extends Error {
  readonly status: number | null;
  readonly transient: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(channel: string, status: number | null, detail: string, retryAfterMs?: number) {
    super(`${channel} notification failed: ${status ?? 'network'} ${detail}`.trim());
    this.name = 'NotifyError';
    this.status = status;
    // 408 and 429 are "later"; other 4xx (bad URL, revoked webhook, invalid payload) never succeed.
    this.transient = status === null || status === 408 || status === 429 || status >= 500;
    this.retryAfterMs = retryAfterMs;
  }
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * One POST without in-process retries: the job queue retries with backoff, so a slow endpoint does
 * not hold a worker slot. The URL is never put in errors (a Slack webhook URL is a credential).
 */
export async function postJson(channel: string, url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'ci-analyst', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new NotifyError(channel, null, `(${cause})`);
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  throw new NotifyError(channel, res.status, text.slice(0, 200), retryAfterMs(res.headers.get('retry-after')));
}
