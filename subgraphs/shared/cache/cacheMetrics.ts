import { Counter, type Registry } from 'prom-client';

/** What a cache lookup found. */
export type LookupResult = 'local_hit' | 'redis_hit' | 'miss';

/** Counters every cache reports to, labelled by cache name; exported at `/metrics`. */
export interface CacheMetrics {
  lookup(cache: string, result: LookupResult, count?: number): void;
  /** A Redis command that failed or timed out (`get`, `set`), or one skipped while Redis is failing (`bypass`). */
  error(cache: string, operation: 'get' | 'set' | 'bypass', count?: number): void;
}

/** Registers Wharf's cache counters in `registry`. */
export function createCacheMetrics(registry: Registry): CacheMetrics {
  const lookups = new Counter({
    name: 'wharf_cache_lookups_total',
    help: 'Cache lookups by cache and result (local_hit: in-process LRU, redis_hit: shared Redis, miss).',
    labelNames: ['cache', 'result'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'wharf_cache_errors_total',
    help: 'Redis commands of a cache that failed or timed out, or were skipped while Redis was failing; the request went on without the cache.',
    labelNames: ['cache', 'operation'],
    registers: [registry],
  });
  return {
    lookup: (cache, result, count = 1) => lookups.inc({ cache, result }, count),
    error: (cache, operation, count = 1) => errors.inc({ cache, operation }, count),
  };
}

/** Metrics that go nowhere, for caches outside a gateway (tests, tools). */
export const noCacheMetrics: CacheMetrics = { lookup() {}, error() {} };
