import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIssuer, demoPortalApiKey, demoRegistryPath, demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { createAuthenticator, type Authenticator } from '../../gateway/identity/authenticate.ts';
import { readTrustedRegistry } from '../../gateway/identity/trustedRegistry.ts';
import { startFixtureWharf, startReplicaWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { deleteRedisKeys, describeWithServers, redisServer, redisUrl } from '../support/realServers.ts';
import { loopbackProxy, newClient, withinOneMinute } from './clientWindows.ts';

const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
const failuresPerMinute = 3;

/** The demo authenticator, counting the credentials it is asked to check. */
async function countingAuthenticator(): Promise<Authenticator & { checked: number }> {
  const inner = await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath));
  const counting = {
    checked: 0,
    authenticate(headers: Headers) {
      if (headers.has('authorization') || headers.has('x-api-key')) counting.checked += 1;
      return inner.authenticate(headers);
    },
  };
  return counting;
}

async function call(url: string, client: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client, ...headers },
    body: '{"query":"{ regions { code } }"}',
  });
  const body = (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: response.status, retryAfter: response.headers.get('retry-after'), error: body.errors?.[0] };
}

describe('failed authentication limit', () => {
  let fixture: FixtureWharf;
  let authenticator: Awaited<ReturnType<typeof countingAuthenticator>>;
  beforeAll(async () => {
    authenticator = await countingAuthenticator();
    fixture = await startFixtureWharf({ authenticator, identity: { trustedProxies: loopbackProxy, authFailuresPerMinute: failuresPerMinute } });
  });
  afterAll(async () => {
    await fixture?.[Symbol.asyncDispose]();
  });

  it('answers 429 with Retry-After to an address past its failures, without checking its credentials, and serves others', async () => {
    const url = fixture.wharf.graphqlUrl;
    const outcome = await withinOneMinute(async () => {
      const [guesser, neighbour] = [newClient(), newClient()];
      const guesses = [];
      for (let i = 0; i <= failuresPerMinute; i += 1) guesses.push(await call(url, guesser, { 'x-api-key': `guess-${i}` }));
      const checkedBefore = authenticator.checked;
      const afterwards = [
        await call(url, guesser, { 'x-api-key': demoPortalApiKey }),
        await call(url, guesser, { authorization: `Bearer ${tokens['macao-health-researcher']}` }),
      ];
      return {
        guesses,
        afterwards,
        checkedAfterwards: authenticator.checked - checkedBefore,
        anonymous: (await call(url, guesser)).status,
        neighbour: [(await call(url, neighbour, { 'x-api-key': demoPortalApiKey })).status, (await call(url, neighbour, { 'x-api-key': 'guess' })).status],
      };
    });
    expect(outcome.guesses.map((result) => result.status)).toEqual([401, 401, 401, 429]);
    const refused = outcome.guesses[3]!;
    expect(refused.error).toEqual({
      message: expect.stringMatching(/^This client address has failed authentication 3 times this minute, the most allowed; its credentials are refused unchecked for \d+ s\.$/),
      extensions: { code: 'RATE_LIMITED', limit: 3 },
    });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(outcome.afterwards.map((result) => [result.status, result.error?.extensions.code])).toEqual([
      [429, 'RATE_LIMITED'],
      [429, 'RATE_LIMITED'],
    ]);
    expect(outcome.checkedAfterwards).toBe(0);
    expect(outcome.anonymous).toBe(200);
    expect(outcome.neighbour).toEqual([200, 401]);
  });

  it('lets only the allowed failures of a burst of bad keys be checked', async () => {
    const url = fixture.wharf.graphqlUrl;
    const statuses = await withinOneMinute(async () => {
      const guesser = newClient();
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => call(url, guesser, { 'x-api-key': `burst-${i}` })));
      return results.map((result) => result.status);
    });
    expect(statuses.filter((status) => status === 401)).toHaveLength(failuresPerMinute);
    expect(statuses.filter((status) => status === 429)).toHaveLength(100 - failuresPerMinute);
  });
});

await describeWithServers([redisServer], 'failed authentication limit shared through Redis', () => {
  const keyPrefix = `wharf-test:${randomUUID()}:`;
  const admin = new Redis(redisUrl);
  afterAll(async () => {
    await deleteRedisKeys(admin, keyPrefix);
    await admin.quit();
  });

  it('counts one address\'s failures on every replica together', async () => {
    const caches = { redisUrl, keyPrefix };
    const identity = { trustedProxies: loopbackProxy, authFailuresPerMinute: failuresPerMinute };
    await using fixture = await startFixtureWharf({ caches, identity });
    await using replica = await startReplicaWharf(fixture, { caches, identity });
    const statuses = await withinOneMinute(async () => {
      const guesser = newClient();
      const urls = [fixture.wharf.graphqlUrl, replica.graphqlUrl, fixture.wharf.graphqlUrl, replica.graphqlUrl];
      const results = [];
      for (const url of urls) results.push((await call(url, guesser, { 'x-api-key': 'guess' })).status);
      // The replica that refused knows the window is used up: a good key from there is refused unchecked.
      results.push((await call(replica.graphqlUrl, guesser, { 'x-api-key': demoPortalApiKey })).status);
      return results;
    });
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
