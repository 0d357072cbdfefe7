export type THeaderBag = Record<string, unknown> | undefined;

export type TRetryDelayInput = {
  /** 1 for the first retry. */
  attempt: number;
  baseDelayMs: number;
  maxDelayMs: number;
  headers?: THeaderBag;
  now?: number;
  random?: () => number;
};

function readHeader(headers: THeaderBag, name: string): string | undefined {
  if (!headers) return undefined;
  const direct = headers[name] ?? headers[name.toLowerCase()];
  if (direct !== undefined && direct !== null) return String(direct);
  const found = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return found === undefined ? undefined : String(headers[found]);
}

/**
 * How long the server asked us to wait, in ms: `Retry-After` (seconds or an HTTP date) first, then
 * GitLab's `RateLimit-Reset` (Unix seconds) or `RateLimit-ResetTime` (HTTP date).
 */
export function readServerDelayMs(headers: THeaderBag, now = Date.now()): number | undefined {
  const retryAfter = readHeader(headers, 'retry-after');
  if (retryAfter !== undefined && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = readHeader(headers, 'ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - now);
  const resetTime = readHeader(headers, 'ratelimit-resettime');
  if (resetTime !== undefined) {
    const date = Date.parse(resetTime);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/**
 * Exponential backoff with full jitter on top of half the step (so retries from many workers spread
 * out but never fire at once), raised to what the server asked for when it said.
 */
export function computeRetryDelayMs(input: TRetryDelayInput): number {
  const random = input.random ?? Math.random;
  const step = Math.min(input.maxDelayMs, input.baseDelayMs * 2 ** Math.max(0, input.attempt - 1));
  const backoff = step / 2 + random() * (step / 2);
  const server = readServerDelayMs(input.headers, input.now);
  return Math.round(Math.max(backoff, server ?? 0));
}
