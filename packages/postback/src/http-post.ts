import axios from 'axios';
import type { TMaskedText } from '@cia/log-intel';

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

function retryAfterMs(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const http = axios.create({
  headers: { 'Content-Type': 'application/json', 'User-Agent': 'ci-analyst' },
  // A redirect is answered as it is, never followed: the signed body goes only where it was configured to.
  maxRedirects: 0,
  // Proxy settings are for GitLab and the AI providers; without this axios would read them from process.env.
  proxy: false,
  responseType: 'text',
  maxContentLength: 1024 * 1024,
  validateStatus: () => true,
});

/**
 * One POST without in-process retries: the job queue retries with backoff, so a slow endpoint does
 * not hold a worker slot. The URL is never put in errors (a Slack webhook URL is a credential).
 */
export async function postJson(
  channel: string,
  url: string,
  body: TMaskedText,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  let res;
  try {
    res = await http.post<string>(url, body, { headers, timeout: timeoutMs });
  } catch (err) {
    const cause = axios.isAxiosError(err) ? (err.code ?? 'ERR_NETWORK') : (err as Error).name;
    throw new NotifyError(channel, null, `(${cause})`);
  }
  if (res.status >= 200 && res.status < 300) return;
  const detail = res.status >= 300 && res.status < 400 ? 'redirect not followed' : String(res.data ?? '').slice(0, 200);
  throw new NotifyError(channel, res.status, detail, retryAfterMs(res.headers['retry-after']));
}
