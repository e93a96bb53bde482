import { Registry } from 'prom-client';
import { createCacheMetrics, type CacheMetrics } from '../subgraphs/shared/cache/cacheMetrics.ts';
import { createRedisClient, whenReady, type RedisClient } from '../subgraphs/shared/cache/createRedisClient.ts';
import { createTieredCache, type TieredCache } from '../subgraphs/shared/cache/createTieredCache.ts';

export interface CachesOptions {
  /** Off, nothing is cached (answers are the same, only slower). @default true */
  enabled?: boolean;
  /** Whole answers too (in front of the entity and search caches); off to exercise those alone. @default true */
  responses?: boolean;
  /** Redis shared by every replica; unset, the caches are in-process only. */
  redisUrl?: string;
  /** Redis Cluster seed nodes (`host:port`); takes precedence over `redisUrl`. */
  redisClusterNodes?: readonly string[];
  /** Prefix of every Redis key. @default 'wharf:' */
  keyPrefix?: string;
  /** See `RedisClientOptions.commandTimeoutMs`. @default 100 */
  redisTimeoutMs?: number;
}

/**
 * The gateway's caches and the registry `/metrics` exports. Each cache is
 * an in-process LRU, in front of Redis when one is configured.
 */
export interface GatewayCaches extends AsyncDisposable {
  readonly registry: Registry;
  readonly metrics: CacheMetrics;
  readonly redis: RedisClient | undefined;
  /** Regions' `_entities` results (see `createEntityCache`); undefined when caching is off. */
  readonly entities: TieredCache | undefined;
  /** Search result pages; undefined when caching is off. */
  readonly search: TieredCache | undefined;
  /** Whole GraphQL answers per consumer fingerprint; undefined when caching is off. */
  readonly responses: TieredCache | undefined;
  /** Automatic persisted queries: always on, so portals can send hashes. */
  readonly persistedQueries: TieredCache;
  /** Waits up to `timeoutMs` for Redis (true at once without Redis); false means starting without it for now. */
  ready(timeoutMs?: number): Promise<boolean>;
}

const mebi = 1024 * 1024;

export function createCaches(options: CachesOptions = {}): GatewayCaches {
  const registry = new Registry();
  const metrics = createCacheMetrics(registry);
  const redis =
    options.redisUrl || options.redisClusterNodes?.length
      ? createRedisClient({
          ...(options.redisUrl ? { url: options.redisUrl } : {}),
          ...(options.redisClusterNodes ? { clusterNodes: options.redisClusterNodes } : {}),
          ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
          ...(options.redisTimeoutMs !== undefined ? { commandTimeoutMs: options.redisTimeoutMs } : {}),
        })
      : undefined;
  // A cache never throws at its caller; connection errors are counted per command, not logged per event.
  redis?.on('error', () => {});
  /**
   * Each in-process tier bounded in characters (2 bytes each), so what
   * clients can fill stays within a known budget: 64 + 32 + 32 + 16 MB.
   */
  const tier = (name: string, localChars: number) => createTieredCache({ name, metrics, localChars, ...(redis ? { redis } : {}) });
  const enabled = options.enabled ?? true;
  return {
    registry,
    metrics,
    redis,
    entities: enabled ? tier('entities', 32 * mebi) : undefined,
    search: enabled ? tier('search', 16 * mebi) : undefined,
    responses: enabled && options.responses !== false ? tier('responses', 16 * mebi) : undefined,
    persistedQueries: tier('apq', 8 * mebi),
    ready: async (timeoutMs = 1000) => (redis ? whenReady(redis, timeoutMs) : true),
    async [Symbol.asyncDispose]() {
      if (!redis) return;
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
