import { computeRetryDelayMs, readServerDelayMs } from './retry-delay';

describe('readServerDelayMs', () => {
  const now = Date.parse('2026-11-20T10:00:00Z');

  it('reads Retry-After seconds', () => {
    expect(readServerDelayMs({ 'retry-after': '7' }, now)).toBe(7000);
  });

  it('reads Retry-After as an HTTP date', () => {
    expect(readServerDelayMs({ 'Retry-After': 'Fri, 20 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
  });

  it('falls back to RateLimit-Reset (Unix seconds)', () => {
    expect(readServerDelayMs({ 'ratelimit-reset': String(now / 1000 + 12) }, now)).toBe(12_000);
  });

  it('is undefined when the server said nothing', () => {
    expect(readServerDelayMs({ 'content-type': 'application/json' }, now)).toBeUndefined();
  });
});

describe('computeRetryDelayMs', () => {
  it('doubles per attempt within jitter bounds and caps at maxDelayMs', () => {
    const low = () => 0;
    const high = () => 1;
    expect(computeRetryDelayMs({ attempt: 1, baseDelayMs: 100, maxDelayMs: 10_000, random: low })).toBe(50);
    expect(computeRetryDelayMs({ attempt: 1, baseDelayMs: 100, maxDelayMs: 10_000, random: high })).toBe(100);
    expect(computeRetryDelayMs({ attempt: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: high })).toBe(400);
    expect(computeRetryDelayMs({ attempt: 20, baseDelayMs: 100, maxDelayMs: 1_000, random: high })).toBe(1_000);
  });

  it('waits at least what the server asked', () => {
    expect(computeRetryDelayMs({ attempt: 1, baseDelayMs: 10, maxDelayMs: 100, headers: { 'retry-after': '2' }, random: () => 0 })).toBe(
      2000,
    );
  });
});
