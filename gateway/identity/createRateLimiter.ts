import { createRedisBreaker } from '../../subgraphs/shared/cache/createRedisBreaker.ts';
import type { RedisClient } from '../../subgraphs/shared/cache/createRedisClient.ts';

/** The outcome of counting one request against a limit. */
export interface RateDecision {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

export interface RateLimiter {
  /** Counts one request for `bucket` (an API key, a subject, a client address) against `limit` per window. */
  hit(bucket: string, limit: number): Promise<RateDecision>;
}

export interface RateLimiterOptions {
  /** Counters shared by every replica; without it, each process counts alone. */
  redis?: RedisClient;
  /** Length of one fixed window in milliseconds. @default 60000 */
  windowMs?: number;
  /** Called when Redis could not count a request (the process's own counter was used). */
  onRedisError?: () => void;
}

// INCR and set the expiry on the first hit of a window, atomically; one key, so it runs on a Cluster too.
const countScript = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }`;

/**
 * Fixed-window request counters: in Redis when there is one, so a limit holds
 * across every gateway replica; in process otherwise. A Redis that fails or
 * is slow does not lift the limits: the request is counted in process
 * instead (each replica then enforces the limit on its own share).
 */
export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const { redis, windowMs = 60_000, onRedisError } = options;
  const windows = new Map<string, { window: number; count: number }>();
  const breaker = createRedisBreaker();

  function countLocally(bucket: string, limit: number): RateDecision {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    let entry = windows.get(bucket);
    if (!entry || entry.window !== window) {
      // Drop the previous windows' counters now and then, so idle buckets do not pile up.
      if (windows.size > 10_000) for (const [key, value] of windows) if (value.window !== window) windows.delete(key);
      windows.set(bucket, (entry = { window, count: 0 }));
    }
    entry.count += 1;
    return { allowed: entry.count <= limit, count: entry.count, resetMs: (window + 1) * windowMs - now };
  }

  return {
    async hit(bucket, limit) {
      if (!redis) return countLocally(bucket, limit);
      if (!breaker.usable()) {
        onRedisError?.();
        return countLocally(bucket, limit);
      }
      try {
        const [count, ttl] = (await redis.eval(countScript, 1, `ratelimit:${bucket}`, String(windowMs))) as [number, number];
        breaker.succeeded();
        return { allowed: count <= limit, count, resetMs: ttl };
      } catch {
        breaker.failed();
        onRedisError?.();
        return countLocally(bucket, limit);
      }
    },
  };
}
