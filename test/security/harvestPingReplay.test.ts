import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { harvestWebhookPlugin, type HarvestWebhookOptions } from '../../gateway/harvestWebhookPlugin.ts';
import { webhookPath, webhookRequest } from '../../schema/harvestWebhook.ts';
import { createRedisClient, whenReady } from '../../subgraphs/shared/cache/createRedisClient.ts';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../support/realServers.ts';
import { startFixtureWharf, unusedLoopbackUrl, type FixtureWharf } from '../support/fixtureRegions.ts';

const secret = 'a-ping-secret-of-some-length';
const t0 = Date.UTC(2025, 0, 1, 8, 0, 0);

/** The hook as a function of a request, in process, with a harvester that counts what it is asked. */
function hook(options: Partial<HarvestWebhookOptions> = {}) {
  const harvested: string[] = [];
  const plugin = harvestWebhookPlugin({
    harvester: { harvest: async (code) => void harvested.push(code) },
    verifierOf: (code) => (code === 'MO' ? { secret } : undefined),
    ...options,
  });
  const send = async (ping: { headers: Record<string, string>; body: string }): Promise<[number, unknown]> => {
    const request = new Request(`http://wharf.test${webhookPath}`, { method: 'POST', ...ping });
    let response: Response | undefined;
    await plugin.onRequest!({ request, url: new URL(request.url), endResponse: (answer: Response) => void (response = answer), fetchAPI: { Response } } as never);
    return [response!.status, await response!.json()];
  };
  return { send, harvested, dispose: () => plugin.onDispose?.() };
}

describe('harvest ping replay', () => {
  let wharf: FixtureWharf | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
  });

  it('refuses the same signed ping a second time with 409 WEBHOOK_REPLAYED, over HTTP', async () => {
    wharf = await startFixtureWharf({ webhookSecret: secret });
    const ping = webhookRequest('VN', secret);
    const post = async () => {
      const response = await fetch(`${wharf!.wharf.origin}${webhookPath}`, { method: 'POST', ...ping });
      return [response.status, await response.json()];
    };
    expect(await post()).toEqual([202, { region: 'VN', harvest: 'started' }]);
    expect(await post()).toEqual([
      409,
      { code: 'WEBHOOK_REPLAYED', error: `This ping (timestamp ${ping.headers['x-wharf-timestamp']}) was already received; a region signs every ping anew, with the current time.` },
    ]);
  });

  it('takes the same message once however its signature is spelt', async () => {
    const { send, harvested } = hook({ now: () => t0 });
    const ping = webhookRequest('MO', secret, t0);
    expect(await send(ping)).toEqual([202, { region: 'MO', harvest: 'started' }]);
    const upperCase = { ...ping, headers: { ...ping.headers, 'x-wharf-signature': ping.headers['x-wharf-signature']!.toUpperCase() } };
    expect((await send(upperCase))[0]).toBe(401);
    expect((await send(ping))[0]).toBe(409);
    expect(harvested).toEqual(['MO']);
  });

  it('remembers a verified ping only, so an unsigned flood fills nothing, and at most maxRememberedPings of them', async () => {
    const { send } = hook({ now: () => t0, maxRememberedPings: 2, minHarvestIntervalMs: 0 });
    const forged = webhookRequest('MO', 'not-the-secret-at-all', t0);
    expect((await send(forged))[0]).toBe(401);
    const pings = [0, 1, 2].map((second) => webhookRequest('MO', secret, t0 - second * 1000));
    for (const ping of pings) expect((await send(ping))[0]).toBe(202);
    // The third pushed the first out: the bound holds, and a forgotten ping costs one more (floored) harvest, nothing else.
    expect((await send(pings[2]!))[0]).toBe(409);
    expect((await send(pings[0]!))[0]).toBe(202);
  });
});

describe('harvest ping floor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('folds pings sooner than minHarvestIntervalMs after a harvest into one harvest at its end', async () => {
    vi.useFakeTimers({ now: t0 });
    const { send, harvested, dispose } = hook({ minHarvestIntervalMs: 10_000 });
    expect(await send(webhookRequest('MO', secret, t0))).toEqual([202, { region: 'MO', harvest: 'started' }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await send(webhookRequest('MO', secret, t0 + 1000))).toEqual([202, { region: 'MO', harvest: 'scheduled', inMs: 9000 }]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await send(webhookRequest('MO', secret, t0 + 2000))).toEqual([202, { region: 'MO', harvest: 'scheduled', inMs: 8000 }]);
    expect(harvested).toEqual(['MO']);
    await vi.advanceTimersByTimeAsync(8000);
    expect(harvested).toEqual(['MO', 'MO']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(await send(webhookRequest('MO', secret, t0 + 12_000))).toEqual([202, { region: 'MO', harvest: 'scheduled', inMs: 8000 }]);
    dispose();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(harvested).toEqual(['MO', 'MO']);
  });
});

await describeWithServers([redisServer], 'harvest ping replay across replicas', () => {
  const prefix = `wharf-test-${randomUUID().slice(0, 8)}:`;
  const clients: ReturnType<typeof createRedisClient>[] = [];
  const redis = async () => {
    const client = createRedisClient({ url: redisUrl, keyPrefix: prefix });
    clients.push(client);
    expect(await whenReady(client, 2000)).toBe(true);
    return client;
  };
  afterAll(async () => {
    const cleaner = new Redis(redisUrl);
    await deleteRedisKeys(cleaner, prefix);
    await cleaner.quit();
    for (const client of clients) client.disconnect();
  });

  it('refuses at a second replica a ping the first took, when they share Redis', async () => {
    const first = hook({ redis: await redis() });
    const second = hook({ redis: await redis() });
    const ping = webhookRequest('MO', secret);
    expect((await first.send(ping))[0]).toBe(202);
    expect((await second.send(ping))[1]).toMatchObject({ code: 'WEBHOOK_REPLAYED' });
    expect([first.harvested, second.harvested]).toEqual([['MO'], []]);
  });

  it('decides alone, still refusing what it has seen, when Redis is down', async () => {
    const down = createRedisClient({ url: (await unusedLoopbackUrl()).replace('http:', 'redis:'), keyPrefix: prefix });
    down.on('error', () => {});
    clients.push(down);
    let redisErrors = 0;
    const replica = hook({ redis: down, onRedisError: () => void (redisErrors += 1) });
    const ping = webhookRequest('MO', secret);
    expect((await replica.send(ping))[0]).toBe(202);
    expect((await replica.send(ping))[0]).toBe(409);
    expect([replica.harvested, redisErrors]).toEqual([['MO'], 1]);
  });
});
