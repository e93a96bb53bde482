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
  /**
   * Whether `bucket` has used its `limit` in the current window, as far as
   * this process knows (its own counts, and Redis's as of its last reply),
   * without counting anything: milliseconds until the window ends, or
   * undefined while places may be left.
   */
  exhaustedFor(bucket: string, limit: number): number | undefined;
}

export interface RateLimiterOptions {
  /** Counters shared by every replica; without it, each process counts alone. */
  redis?: RedisClient;
  /** Length of one fixed window in milliseconds. @default 60000 */
  windowMs?: number;
  /** Called when Redis could not count a request (the process's own counter was used). */
  onRedisError?: () => void;
  /**
   * Buckets this process keeps state for, at most (each map: the in-process
   * counters, and what it knows of Redis's). Clients fill them, one bucket
   * per client address; past the bound, buckets of past windows go first,
   * then the oldest of the current window, whose client starts counting
   * again. @default 100000
   */
  maxBuckets?: number;
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
  const { redis, windowMs = 60_000, onRedisError, maxBuckets = 100_000 } = options;
  const windows = new Map<string, { window: number; count: number }>();
  const breaker = createRedisBreaker();

  /**
   * Makes room in a full `map`: drops every stale entry, then the oldest
   * (Map order is insertion order) until a tenth is free, so a flood of new
   * buckets costs one sweep per tenth of the bound, not one per request.
   * Pinned entries are never dropped.
   */
  function makeRoom<V>(map: Map<string, V>, stale: (value: V) => boolean, pinned: (value: V) => boolean = () => false): void {
    if (map.size < maxBuckets) return;
    for (const [key, value] of map) if (stale(value) && !pinned(value)) map.delete(key);
    const target = Math.floor(maxBuckets * 0.9);
    for (const [key, value] of map) {
      if (map.size <= target) break;
      if (!pinned(value)) map.delete(key);
    }
  }

  function countLocally(bucket: string, limit: number): RateDecision {
    const now = Date.now();
    const window = Math.floor(now / windowMs);
    let entry = windows.get(bucket);
    if (!entry || entry.window !== window) {
      // Re-inserted, so the map stays in order of each bucket's window start.
      windows.delete(bucket);
      makeRoom(windows, (value) => value.window !== window);
      windows.set(bucket, (entry = { window, count: 0 }));
    }
    entry.count += 1;
    return { allowed: entry.count <= limit, count: entry.count, resetMs: (window + 1) * windowMs - now };
  }

  const states = new Map<string, BucketState>();

  function stateOf(bucket: string, now: number): BucketState {
    let state = states.get(bucket);
    if (!state) {
      // A state with a lease in flight or requests waiting is never dropped: they resolve through it.
      makeRoom(states, (value) => value.resetAt <= now, (value) => value.asking || value.waiters.length > 0);
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
    exhaustedFor(bucket, limit) {
      const now = Date.now();
      const state = states.get(bucket);
      if (state && now < state.resetAt && state.leased === 0 && state.known >= limit) return state.resetAt - now;
      // Counted here while Redis was unusable, or without Redis.
      const entry = windows.get(bucket);
      const window = Math.floor(now / windowMs);
      if (entry && entry.window === window && entry.count >= limit) return (window + 1) * windowMs - now;
      return undefined;
    },
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
