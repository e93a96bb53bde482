import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../gateway/identity/authenticate.ts';
import { createRateLimiter } from '../../gateway/identity/createRateLimiter.ts';
import { sha256Hex } from '../../gateway/identity/trustedRegistry.ts';
import { createRedisClient, whenReady } from '../../subgraphs/shared/cache/createRedisClient.ts';
import { startFixtureWharf, startReplicaWharf, unusedLoopbackUrl } from '../support/fixtureRegions.ts';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../support/realServers.ts';

const registry = { orgs: {}, apiKeys: [{ name: 'tiny', sha256: sha256Hex('tiny-key'), org: 'p', scope: 'public' as const, rateLimitPerMinute: 3 }] };

async function status(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ regions { code } }"}' });
  const body = (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: response.status, code: body.errors?.[0]?.extensions.code, limit: body.errors?.[0]?.extensions.limit, retryAfter: response.headers.get('retry-after') };
}

/** Runs `burst` again if it straddled a window boundary (fixed windows of one minute). */
async function withinOneMinute<T>(burst: () => Promise<T>): Promise<T> {
  const minute = Math.floor(Date.now() / 60_000);
  const result = await burst();
  return Math.floor(Date.now() / 60_000) === minute ? result : burst();
}

describe('per-client rate limit', () => {
  it('answers 429 RATE_LIMITED naming the limit to an anonymous client over its requests for the minute', async () => {
    await using fixture = await startFixtureWharf({ clientRequestsPerMinute: 2 });
    const results = await withinOneMinute(async () => [await status(fixture.wharf.graphqlUrl), await status(fixture.wharf.graphqlUrl), await status(fixture.wharf.graphqlUrl)]);
    expect(results.map((result) => result.status)).toEqual([200, 200, 429]);
    expect(results[2]).toMatchObject({ code: 'RATE_LIMITED', limit: 2 });
    expect(Number(results[2]!.retryAfter)).toBeGreaterThan(0);
  });

  it('tells whether a bucket has used its window without counting, for refusing before any work', async () => {
    const limiter = createRateLimiter();
    const { before, after } = await withinOneMinute(async () => {
      const bucket = `peek-${randomUUID()}`;
      const before = [limiter.exhaustedFor(bucket, 2)];
      await limiter.hit(bucket, 2);
      before.push(limiter.exhaustedFor(bucket, 2));
      await limiter.hit(bucket, 2);
      return { before, after: [limiter.exhaustedFor(bucket, 2), limiter.exhaustedFor(bucket, 2)] };
    });
    expect(before).toEqual([undefined, undefined]);
    // Peeking counts nothing: asked twice, the answer is the same window's.
    for (const ms of after) expect(ms).toBeGreaterThan(0);
    expect((await limiter.hit('other', 1)).count).toBe(1);
  });

  it('keeps at most maxBuckets clients in process, dropping the oldest first', async () => {
    const limiter = createRateLimiter({ maxBuckets: 10 });
    const decisions = await withinOneMinute(async () => {
      const first = await limiter.hit('first', 1);
      for (let i = 0; i < 10; i += 1) await limiter.hit(`client-${i}`, 1);
      return [first, await limiter.hit('client-9', 1), await limiter.hit('first', 1)];
    });
    // The newest client is still counted; the oldest was dropped to make room, and counts again from 1.
    expect(decisions.map((decision) => [decision.allowed, decision.count])).toEqual([
      [true, 1],
      [false, 2],
      [true, 1],
    ]);
  });

  it('still limits, in process, when Redis is down', async () => {
    const down = (await unusedLoopbackUrl()).replace('http://', 'redis://').replace('/graphql', '');
    const client = createRedisClient({ url: down });
    client.on('error', () => {});
    let redisErrors = 0;
    const limiter = createRateLimiter({ redis: client, onRedisError: () => (redisErrors += 1) });
    try {
      const decisions = await withinOneMinute(async () => [await limiter.hit('k', 1), await limiter.hit('k', 1)]);
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, false]);
      expect(redisErrors).toBeGreaterThanOrEqual(2);
    } finally {
      client.disconnect();
    }
  });
});

await describeWithServers([redisServer], 'rate limits shared through Redis', () => {
  const keyPrefix = `wharf-test:${randomUUID()}:`;
  const admin = new Redis(redisUrl);
  afterAll(async () => {
    await deleteRedisKeys(admin, keyPrefix);
    await admin.quit();
  });

  it('holds an API key to its limit across two gateway replicas', async () => {
    const caches = { redisUrl, keyPrefix };
    await using fixture = await startFixtureWharf({ authenticator: await createAuthenticator(undefined, registry), caches });
    await using replica = await startReplicaWharf(fixture, { authenticator: await createAuthenticator(undefined, registry), caches });
    const key = { 'x-api-key': 'tiny-key' };
    const statuses = await withinOneMinute(async () => {
      await deleteRedisKeys(admin, `${keyPrefix}ratelimit:`);
      const urls = [fixture.wharf.graphqlUrl, replica.graphqlUrl, fixture.wharf.graphqlUrl, replica.graphqlUrl, fixture.wharf.graphqlUrl];
      const results = [];
      for (const url of urls) results.push((await status(url, key)).status);
      return results;
    });
    // Three requests a minute in all, whichever replica takes them.
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('lets exactly the limit of one bursting client through, in fewer round trips to Redis than requests', async () => {
    const client = createRedisClient({ url: redisUrl, keyPrefix });
    try {
      expect(await whenReady(client, 2000)).toBe(true);
      const limiter = createRateLimiter({ redis: client });
      const sent: number[] = [];
      const sendCommand = (client as unknown as { sendCommand(command: { name: string }): unknown }).sendCommand.bind(client);
      (client as unknown as { sendCommand(command: { name: string }): unknown }).sendCommand = (command) => {
        if (command.name === 'evalsha' || command.name === 'eval') sent.push(1);
        return sendCommand(command);
      };
      const decisions = await withinOneMinute(async () => {
        await deleteRedisKeys(admin, `${keyPrefix}ratelimit:burst`);
        sent.length = 0;
        return Promise.all(Array.from({ length: 200 }, () => limiter.hit('burst', 150)));
      });
      const allowed = decisions.filter((decision) => decision.allowed);
      expect(allowed).toHaveLength(150);
      expect(allowed.map((decision) => decision.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
      expect(decisions.filter((decision) => !decision.allowed).every((decision) => decision.count > 150)).toBe(true);
      expect(sent.length).toBeGreaterThan(0);
      expect(sent.length).toBeLessThan(200);
    } finally {
      client.disconnect();
    }
  });

  it('lets no more than the limit through four replicas counting one bursting client at once', async () => {
    const clients = Array.from({ length: 4 }, () => createRedisClient({ url: redisUrl, keyPrefix }));
    try {
      for (const client of clients) expect(await whenReady(client, 2000)).toBe(true);
      const limiters = clients.map((client) => createRateLimiter({ redis: client }));
      const allowed = await withinOneMinute(async () => {
        await deleteRedisKeys(admin, `${keyPrefix}ratelimit:replicas`);
        const decisions = await Promise.all(limiters.flatMap((limiter) => Array.from({ length: 120 }, () => limiter.hit('replicas', 150))));
        return decisions.filter((decision) => decision.allowed).length;
      });
      expect(allowed).toBe(150);
    } finally {
      for (const client of clients) client.disconnect();
    }
  });

  it('counts in Redis with an expiry, so a window ends on every replica at once', async () => {
    const client = createRedisClient({ url: redisUrl, keyPrefix });
    try {
      expect(await whenReady(client, 2000)).toBe(true);
      const limiter = createRateLimiter({ redis: client, windowMs: 200 });
      expect((await limiter.hit('w', 1)).allowed).toBe(true);
      expect((await limiter.hit('w', 1)).allowed).toBe(false);
      const ttl = await admin.pttl(`${keyPrefix}ratelimit:w`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(200);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await limiter.hit('w', 1)).allowed).toBe(true);
    } finally {
      client.disconnect();
    }
  });
});
