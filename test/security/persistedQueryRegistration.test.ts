import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../support/realServers.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

await describeWithServers([redisServer], 'automatic persisted queries offered texts that never run', () => {
  const caches = { redisUrl, keyPrefix: `wharf-test:${randomUUID()}:` };
  let wharf: FixtureWharf;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    wharf = await startFixtureWharf({ caches, limits: { maxDepth: 12, maxAliases: 30, maxTokens: 400, maxDirectives: 50, maxCost: 5000 } });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
    await deleteRedisKeys(redis, caches.keyPrefix);
    await redis.quit();
  });

  /** POSTs `query` with its own hash, then asks for the hash alone, as an APQ client does. */
  async function offer(query: string) {
    const sha256Hash = sha256(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const posted = await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, extensions }) });
    const postedBody = await posted.json();
    const byHash = await fetch(`${wharf.wharf.graphqlUrl}?extensions=${encodeURIComponent(JSON.stringify(extensions))}`);
    return { posted: postedBody.errors?.[0]?.extensions?.code ?? 'OK', byHash: byHash.status, inRedis: await redis.exists(`${caches.keyPrefix}apq:${sha256Hash}`) };
  }

  it('keeps nothing, in process or in Redis, for 40 texts that do not parse', async () => {
    const padding = 'x'.repeat(20_000);
    for (let i = 0; i < 40; i++) {
      expect(await offer(`{ regions { code } ${padding} ${i} !!!`)).toEqual({ posted: 'GRAPHQL_PARSE_FAILED', byHash: 404, inRedis: 0 });
    }
  });

  it('keeps nothing for a text that does not validate, or exceeds an operation limit', async () => {
    expect(await offer(`{ nope ${randomUUID().replace(/-/g, '_').replace(/^\d/, 'a')} }`)).toEqual({ posted: 'GRAPHQL_VALIDATION_FAILED', byHash: 404, inRedis: 0 });
    expect(await offer(`{ ${Array.from({ length: 150 }, () => 'regions { code }').join(' ')} }`)).toEqual({ posted: 'LIMIT_EXCEEDED', byHash: 404, inRedis: 0 });
  });

  it('keeps nothing for a text longer than maxQueryBytes', async () => {
    expect(await offer(`{ regions { code } } # ${'y'.repeat(40_000)}`)).toEqual({ posted: 'LIMIT_EXCEEDED', byHash: 404, inRedis: 0 });
  });

  it('registers a text that validates, and answers its hash from then on', async () => {
    const query = `query Registered { regions { code } } # ${randomUUID()}`;
    expect((await offer(query)).posted).toBe('OK');
    await expect.poll(() => redis.exists(`${caches.keyPrefix}apq:${sha256(query)}`), { timeout: 5000 }).toBe(1);
    const byHash = await fetch(`${wharf.wharf.graphqlUrl}?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha256(query) } }))}`);
    expect([byHash.status, await byHash.json()]).toEqual([200, { data: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } }]);
  });

  it('registers a text whose answer came from the response cache', async () => {
    const query = `query Cached { regions { code } } # ${randomUUID()}`;
    // Answered once without a hash (the answer is cached), then offered with one.
    await wharf.query(query);
    expect((await offer(query)).posted).toBe('OK');
    await expect.poll(() => redis.exists(`${caches.keyPrefix}apq:${sha256(query)}`), { timeout: 5000 }).toBe(1);
  });
});
