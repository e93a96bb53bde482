import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../../support/realServers.ts';
import { startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

await describeWithServers([redisServer], 'persisted queries shared through Redis', () => {
  const caches = { redisUrl, keyPrefix: `wharf-test:${randomUUID()}:` };
  let first: FixtureWharf;
  let second: FixtureWharf;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    [first, second] = await Promise.all([startFixtureWharf({ caches }), startFixtureWharf({ caches })]);
  });
  afterAll(async () => {
    await first?.[Symbol.asyncDispose]();
    await second?.[Symbol.asyncDispose]();
    await deleteRedisKeys(redis, caches.keyPrefix);
    await redis.quit();
  });

  it('answers on one replica a hash registered on another', async () => {
    const query = `query Shared { regions { code } } # ${randomUUID()}`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash } });
    const byHash = (wharf: FixtureWharf) => fetch(`${wharf.wharf.graphqlUrl}?extensions=${encodeURIComponent(extensions)}`);
    expect((await byHash(second)).status).toBe(404);
    const registered = await fetch(first.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions: JSON.parse(extensions) }) });
    expect(registered.status).toBe(200);
    // The Redis write is not awaited by the cache: give it a moment.
    await expect.poll(async () => (await byHash(second)).status, { timeout: 5000 }).toBe(200);
    expect(await (await byHash(second)).json()).toEqual({ data: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } });
    expect(await redis.exists(`${caches.keyPrefix}apq:${sha256Hash}`)).toBe(1);
  });
});
