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

/** A request waiting for Redis to count it. */
interface Waiter {
  resolve(decision: RateDecision): void;
  limit: number;
}

/** What this process knows of one bucket's window. */
interface BucketState {
  /** The window's count in Redis (requests and places leased by every replica), as of the last reply. */
  known: number;
  /** When that window ends (epoch ms); 0 before the first reply. */
  resetAt: number;
  /** Places this process leased from Redis and has not used yet. */
  leased: number;
  /** The count of the last place leased, for the count a request is told. */
  leasedUpTo: number;
  waiters: Waiter[];
  /** True while a lease request is in flight. */
  asking: boolean;
}

/** How much of what is left of a window one lease may take, beyond the requests waiting. */
const leaseShare = 1 / 4;

/**
 * Fixed-window request counters: in Redis when there is one, so a limit holds
 * across every gateway replica; in process otherwise. A Redis that fails or
 * is slow does not lift the limits: the request is counted in process
 * instead (each replica then enforces the limit on its own share).
 *
 * A replica leases places in the window from Redis (one INCRBY for the
 * requests waiting plus a quarter of what is left) and spends them without
 * asking again; near the limit a lease shrinks to the requests waiting. The
 * count in Redis includes every place leased, so the replicas together never
 * let more than the limit through; places a replica leased and did not use
 * are lost to that window (a client may get up to that many fewer). A busy
 * client costs Redis one command per lease, not one per request.
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

  const states = new Map<string, BucketState>();

  function stateOf(bucket: string, now: number): BucketState {
    let state = states.get(bucket);
    if (!state) {
      if (states.size > 10_000) for (const [key, value] of states) if (value.resetAt <= now && !value.asking) states.delete(key);
      states.set(bucket, (state = { known: 0, resetAt: 0, leased: 0, leasedUpTo: 0, waiters: [], asking: false }));
    }
    if (now >= state.resetAt) {
      state.known = 0;
      state.leased = 0;
    }
    return state;
  }

  /** Spends a leased place on a request. */
  function spend(state: BucketState, now: number): RateDecision {
    const count = state.leasedUpTo - state.leased + 1;
    state.leased -= 1;
    return { allowed: true, count, resetMs: Math.max(0, state.resetAt - now) };
  }

  function lease(bucket: string, state: BucketState, limit: number): void {
    if (state.asking || state.waiters.length === 0) return;
    const waiters = state.waiters;
    state.waiters = [];
    if (!breaker.usable()) return fellBack(bucket, waiters);
    state.asking = true;
    const n = waiters.length + Math.max(0, Math.floor((limit - state.known - waiters.length) * leaseShare));
    const counted = (redis as RedisWithCount).wharfCount(`ratelimit:${bucket}`, String(windowMs), String(n)) as Promise<[number, number]>;
    counted.then(
      ([count, ttl]) => {
        breaker.succeeded();
        const now = Date.now();
        state.asking = false;
        state.known = count;
        state.resetAt = now + ttl;
        // The places of this lease within the limit; those past it are refused.
        const granted = Math.max(0, Math.min(n, limit - (count - n)));
        waiters.forEach((waiter, i) => {
          const position = count - n + i + 1;
          waiter.resolve({ allowed: i < granted && position <= waiter.limit, count: position, resetMs: ttl });
        });
        state.leased = Math.max(0, granted - waiters.length);
        state.leasedUpTo = count - n + granted;
        // Requests that arrived meanwhile spend the new places, or ask again.
        const queued = state.waiters;
        state.waiters = [];
        for (const waiter of queued) {
          if (state.leased > 0) waiter.resolve(spend(state, now));
          else state.waiters.push(waiter);
        }
        lease(bucket, state, limit);
      },
      () => {
        breaker.failed();
        state.asking = false;
        fellBack(bucket, [...waiters, ...state.waiters.splice(0)]);
      },
    );
  }

  /** Redis could not count: this process decides for those waiting. */
  function fellBack(bucket: string, waiters: readonly Waiter[]): void {
    for (const waiter of waiters) {
      onRedisError?.();
      waiter.resolve(countLocally(bucket, waiter.limit));
    }
  }

  if (redis && !('wharfCount' in redis)) redis.defineCommand('wharfCount', { numberOfKeys: 1, lua: countScript });

  return {
    hit(bucket, limit) {
      if (!redis) return Promise.resolve(countLocally(bucket, limit));
      const now = Date.now();
      const state = stateOf(bucket, now);
      if (state.leased > 0) return Promise.resolve(spend(state, now));
      // The window is used up on every replica: no need to ask until it ends.
      if (state.known >= limit) return Promise.resolve({ allowed: false, count: state.known + 1, resetMs: state.resetAt - now });
      return new Promise<RateDecision>((resolve) => {
        state.waiters.push({ resolve, limit });
        lease(bucket, state, limit);
      });
    },
  };
}
