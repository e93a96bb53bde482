import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { loopbackProxy, newClient, withinOneMinute } from './clientWindows.ts';

const limit = 3;

describe('catalogue pages limited per client', () => {
  let fixture: FixtureWharf;
  let origin: string;
  const page = async (path: string, client: string) => {
    const response = await fetch(`${origin}${path}`, { headers: { 'x-forwarded-for': client } });
    await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after') };
  };
  const graphql = async (client: string) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: '{"query":"{ regions { code } }"}',
    });
    return { status: response.status, code: ((await response.json()) as { errors?: { extensions: { code: string } }[] }).errors?.[0]?.extensions.code };
  };

  beforeAll(async () => {
    fixture = await startFixtureWharf({ clientRequestsPerMinute: limit, identity: { trustedProxies: loopbackProxy } });
    origin = fixture.wharf.origin;
  });
  afterAll(async () => {
    await fixture?.[Symbol.asyncDispose]();
  });

  it('answers one visitor over its limit with 429 while another visitor still gets pages', async () => {
    const { visitor, other } = await withinOneMinute(async () => {
      const [a, b] = [newClient(), newClient()];
      const visitor = [];
      for (let i = 0; i <= limit; i += 1) visitor.push(await page('/', a));
      visitor.push(await page('/datasets/MO%3Atrade-balance', a));
      return { visitor, other: [await page('/', b), await page('/datasets/MO%3Atrade-balance', b)] };
    });
    expect(visitor.map((result) => result.status)).toEqual([200, 200, 200, 429, 429]);
    expect(Number(visitor[3]!.retryAfter)).toBeGreaterThan(0);
    expect(other.map((result) => result.status)).toEqual([200, 200]);
  });

  it('counts pages and /graphql requests of one client in one bucket, both ways', async () => {
    const { pagesFirst, graphqlFirst } = await withinOneMinute(async () => {
      const [a, b] = [newClient(), newClient()];
      const pagesFirst = [await page('/', a), await page('/', a), await page('/datasets/MO%3Atrade-balance', a)].map((result) => result.status);
      const afterPages = await graphql(a);
      const graphqlFirst = [(await graphql(b)).status, (await graphql(b)).status, (await graphql(b)).status];
      return { pagesFirst: [...pagesFirst, afterPages], graphqlFirst: [...graphqlFirst, (await page('/', b)).status, (await page('/datasets/MO%3Atrade-balance', b)).status] };
    });
    expect(pagesFirst).toEqual([200, 200, 200, { status: 429, code: 'RATE_LIMITED' }]);
    expect(graphqlFirst).toEqual([200, 200, 200, 429, 429]);
  });
});
