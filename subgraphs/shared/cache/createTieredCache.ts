import { LRUCache } from 'lru-cache';
import { noCacheMetrics, type CacheMetrics } from './cacheMetrics.ts';
import type { RedisClient } from './createRedisClient.ts';
import { createRedisBreaker } from './createRedisBreaker.ts';

export interface TieredCacheOptions {
  /** Names the cache in metrics and in its Redis keys (`<prefix><name>:<key>`). */
  name: string;
  /** Shared second tier; without it the cache is in-process only. */
  redis?: RedisClient;
  /** Entries the in-process LRU keeps. @default 10000 */
  localEntries?: number;
  /** Characters of keys and values the in-process LRU keeps in all (two bytes each). @default 67108864 */
  localChars?: number;
  /**
   * Consecutive Redis failures after which the cache stops asking Redis for
   * `breakerOpenMs`, so a hung Redis costs one command timeout per burst, not
   * one per request. @default 3
   */
  breakerFailures?: number;
  /** @default 1000 */
  breakerOpenMs?: number;
  /**
   * How long a value read from Redis stays in the in-process tier, in
   * milliseconds (Redis keeps its own TTL; this bounds the local copy).
   * @default 30000
   */
  localTtlMs?: number;
  metrics?: CacheMetrics;
}

/**
 * Two tiers: an in-process LRU in front of Redis. Values are strings; keys
 * must carry every version they depend on (a revision, an index version, a
 * policy version), so nothing is ever invalidated by deletion and a changed
 * thing is never served stale. TTLs bound the rest.
 *
 * Fail open: a Redis error, a timeout, or Redis being down makes a lookup a
 * miss and a write a no-op, counted in metrics; the request goes on.
 */
export interface TieredCache {
  readonly name: string;
  /** Values for `keys` in order; `undefined` where neither tier has one. */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  get(key: string): Promise<string | undefined>;
  /** The in-process tier's value, without waiting; `undefined` sends the caller to `get` for Redis. */
  getLocal(key: string): string | undefined;
  /** Writes both tiers; the Redis write is not awaited. */
  set(key: string, value: string, ttlMs: number): void;
}

export function createTieredCache(options: TieredCacheOptions): TieredCache {
  const { name, redis, localEntries = 10_000, localChars = 64 * 1024 * 1024, breakerFailures = 3, breakerOpenMs = 1000, localTtlMs = 30_000, metrics = noCacheMetrics } = options;
  const local = new LRUCache<string, string>({ max: localEntries, maxSize: localChars, sizeCalculation: (value, key) => value.length + key.length });
  const prefix = `${name}:`;
  const breaker = createRedisBreaker({ failures: breakerFailures, openMs: breakerOpenMs });
  const redisUsable = (): boolean => redis !== undefined && breaker.usable();
  const failed = (operation: 'get' | 'set', count: number) => {
    metrics.error(name, operation, count);
    breaker.failed();
  };

  async function getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const values: (string | undefined)[] = keys.map((key) => local.get(key));
    const missing: number[] = [];
    values.forEach((value, i) => (value === undefined ? missing.push(i) : undefined));
    if (keys.length > missing.length) metrics.lookup(name, 'local_hit', keys.length - missing.length);
    if (missing.length === 0) return values;
    if (!redis || !redisUsable()) {
      if (redis) metrics.error(name, 'bypass', missing.length);
      metrics.lookup(name, 'miss', missing.length);
      return values;
    }
    try {
      // One GET per key: auto-pipelined into one round trip per node, and valid in a Cluster where MGET across slots is not.
      const found = await Promise.all(missing.map((i) => redis.get(prefix + keys[i])));
      breaker.succeeded();
      let hits = 0;
      found.forEach((value, j) => {
        if (value === null) return;
        hits += 1;
        const i = missing[j]!;
        values[i] = value;
        local.set(keys[i]!, value, { ttl: localTtlMs });
      });
      if (hits > 0) metrics.lookup(name, 'redis_hit', hits);
      if (missing.length > hits) metrics.lookup(name, 'miss', missing.length - hits);
    } catch {
      failed('get', missing.length);
      metrics.lookup(name, 'miss', missing.length);
    }
    return values;
  }

  return {
    name,
    getMany,
    get: async (key) => (await getMany([key]))[0],
    getLocal(key) {
      const value = local.get(key);
      if (value !== undefined) metrics.lookup(name, 'local_hit', 1);
      return value;
    },
    set(key, value, ttlMs) {
      if (!(ttlMs > 0)) return;
      local.set(key, value, { ttl: ttlMs });
      if (!redis) return;
      if (!redisUsable()) {
        metrics.error(name, 'bypass');
        return;
      }
      redis.set(prefix + key, value, 'PX', Math.ceil(ttlMs)).then(
        () => breaker.succeeded(),
        () => failed('set', 1),
      );
    },
  };
}
