import os from 'node:os';
import type IORedis from 'ioredis';

export type THeartbeat = { service: string; id: string; pid: number; host: string; state: string; at: string; detail?: unknown };

const key = (prefix: string) => `${prefix}:heartbeats`;
const TTL_MS = 30_000;

/**
 * Services announce themselves in one Redis hash; /health/detailed reads it. Entries older than
 * the TTL count as gone, so a killed process disappears without cleanup.
 */
export function startHeartbeat(
  redis: IORedis,
  prefix: string,
  service: string,
  state: () => { state: string; detail?: unknown },
  intervalMs = 5000,
) {
  const id = `${service}:${os.hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const beat = async () => {
    const s = state();
    const value: THeartbeat = {
      service,
      id,
      pid: process.pid,
      host: os.hostname(),
      state: s.state,
      detail: s.detail,
      at: new Date().toISOString(),
    };
    await redis.hset(key(prefix), id, JSON.stringify(value)).catch(() => undefined);
  };
  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return {
    beat,
    stop: async () => {
      clearInterval(timer);
      // Without Redis a worker connection would queue the delete until Redis is back; the entry expires anyway.
      if (redis.status === 'ready') await redis.hdel(key(prefix), id).catch(() => undefined);
    },
  };
}

export async function readHeartbeats(redis: IORedis, prefix: string): Promise<THeartbeat[]> {
  const all = await redis.hgetall(key(prefix));
  const now = Date.now();
  const live: THeartbeat[] = [];
  const stale: string[] = [];
  for (const [id, raw] of Object.entries(all)) {
    const hb = JSON.parse(raw) as THeartbeat;
    if (now - Date.parse(hb.at) <= TTL_MS) live.push(hb);
    else stale.push(id);
  }
  if (stale.length > 0) await redis.hdel(key(prefix), ...stale);
  return live;
}
