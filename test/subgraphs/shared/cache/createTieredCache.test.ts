import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createCacheMetrics } from '../../../../subgraphs/shared/cache/cacheMetrics.ts';
import { createRedisClient, whenReady } from '../../../../subgraphs/shared/cache/createRedisClient.ts';
import { createTieredCache } from '../../../../subgraphs/shared/cache/createTieredCache.ts';
import { parseCachePolicy } from '../../../../gateway/partition/entityCache.ts';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../../../support/realServers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function counters(registry: Registry) {
  const values: Record<string, number> = {};
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const value of metric.values) values[`${metric.name}{${Object.values(value.labels).join(',')}}`] = value.value;
  }
  return values;
}

describe('createTieredCache (in-process)', () => {
  it('returns what was set until its TTL passes, then misses', async () => {
    const cache = createTieredCache({ name: 'test' });
    cache.set('a', 'one', 80);
    expect(await cache.getMany(['a', 'b'])).toEqual(['one', undefined]);
    await sleep(120);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('keeps nothing for a TTL that is zero or negative', async () => {
    const cache = createTieredCache({ name: 'test' });
    cache.set('a', 'one', 0);
    expect(await cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entry past its entry limit', async () => {
    const cache = createTieredCache({ name: 'test', localEntries: 2 });
    cache.set('a', '1', 10_000);
    cache.set('b', '2', 10_000);
    await cache.get('a');
    cache.set('c', '3', 10_000);
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual(['1', undefined, '3']);
  });
});

describe('parseCachePolicy', () => {
  it('reads max-age and scope from the Cache-Control header a region sends', () => {
    expect(parseCachePolicy('max-age=60, private')).toEqual({ maxAgeMs: 60_000, scope: 'PRIVATE' });
    expect(parseCachePolicy('max-age=300, public')).toEqual({ maxAgeMs: 300_000, scope: 'PUBLIC' });
    expect(parseCachePolicy('max-age=300')).toEqual({ maxAgeMs: 300_000, scope: 'PUBLIC' });
  });

  it('refuses answers that may not be reused', () => {
    expect(parseCachePolicy(null)).toBeUndefined();
    expect(parseCachePolicy('no-store')).toBeUndefined();
    expect(parseCachePolicy('max-age=0, public')).toBeUndefined();
    expect(parseCachePolicy('private')).toBeUndefined();
  });
});

await describeWithServers([redisServer], 'createTieredCache (with Redis)', () => {
  const keyPrefix = `wharf-test:${randomUUID()}:`;
  const admin = new Redis(redisUrl);
  afterAll(async () => {
    await deleteRedisKeys(admin, keyPrefix);
    await admin.quit();
  });

  it('shares entries between two processes\' caches through Redis, with Redis keeping the TTL', async () => {
    const registry = new Registry();
    const writer = createRedisClient({ url: redisUrl, keyPrefix });
    const reader = createRedisClient({ url: redisUrl, keyPrefix });
    try {
      expect(await whenReady(writer, 2000)).toBe(true);
      expect(await whenReady(reader, 2000)).toBe(true);
      const a = createTieredCache({ name: 'shared', redis: writer });
      const b = createTieredCache({ name: 'shared', redis: reader, metrics: createCacheMetrics(registry) });
      a.set('k', 'value', 5000);
      await expect.poll(() => admin.exists(`${keyPrefix}shared:k`), { timeout: 2000, interval: 10 }).toBe(1);
      const ttl = await admin.pttl(`${keyPrefix}shared:k`);
      expect(ttl).toBeGreaterThan(2000);
      expect(ttl).toBeLessThanOrEqual(5000);
      expect(await b.get('k')).toBe('value');
      expect(await b.get('k')).toBe('value');
      expect(await counters(registry)).toMatchObject({ 'wharf_cache_lookups_total{shared,redis_hit}': 1, 'wharf_cache_lookups_total{shared,local_hit}': 1 });
    } finally {
      writer.disconnect();
      reader.disconnect();
    }
  });

  it('lets an entry expire in Redis', async () => {
    const client = createRedisClient({ url: redisUrl, keyPrefix });
    try {
      expect(await whenReady(client, 2000)).toBe(true);
      const writer = createTieredCache({ name: 'ttl', redis: client });
      writer.set('k', 'value', 1000);
      // The write is not awaited: wait for it to land, then past its TTL.
      await expect.poll(() => admin.exists(`${keyPrefix}ttl:k`), { timeout: 900, interval: 10 }).toBe(1);
      await expect.poll(() => admin.exists(`${keyPrefix}ttl:k`), { timeout: 3000, interval: 50 }).toBe(0);
      const fresh = createTieredCache({ name: 'ttl', redis: client });
      expect(await fresh.get('k')).toBeUndefined();
    } finally {
      client.disconnect();
    }
  });
});
