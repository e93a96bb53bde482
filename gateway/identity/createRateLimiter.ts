import { createRedisBreaker } from '../../subgraphs/shared/cache/createRedisBreaker.ts';
import type { RedisClient } from '../../subgraphs/shared/cache/createRedisClient.ts';

/** The client with the counting script defined on it (EVALSHA, the script sent once). */
type RedisWithCount = RedisClient & { wharfCount(key: string, windowMs: string, n: string): Promise<unknown> };

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

// INCRBY and set the expiry on the first hit of a window, atomically; one key, so it runs on a Cluster too.
const countScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return { count, ttl }`;

/** Requests of one bucket waiting for their count, sent to Redis as one INCRBY. */
interface Batch {
  waiters: { resolve(decision: RateDecision): void; limit: number }[];
}

/**
 * Fixed-window request counters: in Redis when there is one, so a limit holds
 * across every gateway replica; in process otherwise. A Redis that fails or
 * is slow does not lift the limits: the request is counted in process
 * instead (each replica then enforces the limit on its own share).
 *
 * Every request waits for a count that includes it, but a bucket has at most
 * one command in flight: requests that arrive meanwhile are counted together
 * by the next one (INCRBY n), each getting its own place in the window. A
 * busy client costs Redis one round trip per round trip, not per request.
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

  const inFlight = new Set<string>();
  const queued = new Map<string, Batch>();

  function send(bucket: string, batch: Batch): void {
    inFlight.add(bucket);
    const n = batch.waiters.length;
    const counted = (redis as RedisWithCount).wharfCount(`ratelimit:${bucket}`, String(windowMs), String(n)) as Promise<[number, number]>;
    counted.then(
      ([count, ttl]) => {
        breaker.succeeded();
        batch.waiters.forEach((waiter, i) => {
          const position = count - n + i + 1;
          waiter.resolve({ allowed: position <= waiter.limit, count: position, resetMs: ttl });
        });
      },
      () => {
        breaker.failed();
        for (const waiter of batch.waiters) {
          onRedisError?.();
          waiter.resolve(countLocally(bucket, waiter.limit));
        }
      },
    ).finally(() => {
      inFlight.delete(bucket);
      const next = queued.get(bucket);
      if (!next) return;
      queued.delete(bucket);
      if (breaker.usable()) return send(bucket, next);
      for (const waiter of next.waiters) {
        onRedisError?.();
        waiter.resolve(countLocally(bucket, waiter.limit));
      }
    });
  }

  if (redis && !('wharfCount' in redis)) redis.defineCommand('wharfCount', { numberOfKeys: 1, lua: countScript });

  return {
    hit(bucket, limit) {
      if (!redis) return Promise.resolve(countLocally(bucket, limit));
      if (!breaker.usable()) {
        onRedisError?.();
        return Promise.resolve(countLocally(bucket, limit));
      }
      return new Promise<RateDecision>((resolve) => {
        if (inFlight.has(bucket)) {
          let batch = queued.get(bucket);
          if (!batch) queued.set(bucket, (batch = { waiters: [] }));
          batch.waiters.push({ resolve, limit });
        } else {
          send(bucket, { waiters: [{ resolve, limit }] });
        }
      });
    },
  };
}
