import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../gateway/identity/authenticate.ts';
import { sha256Hex } from '../../gateway/identity/trustedRegistry.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { loopbackProxy, newClient, withinOneMinute } from './clientWindows.ts';

const portalKey = 'portal-key-in-every-page';

describe('portal API key limited per client address', () => {
  let fixture: FixtureWharf;
  beforeAll(async () => {
    const authenticator = await createAuthenticator(undefined, {
      orgs: {},
      apiKeys: [{ name: 'portal', sha256: sha256Hex(portalKey), org: 'portal', scope: 'public', rateLimitPerMinute: 2 }],
    });
    fixture = await startFixtureWharf({ authenticator, identity: { trustedProxies: loopbackProxy } });
  });
  afterAll(async () => {
    await fixture?.[Symbol.asyncDispose]();
  });

  const call = async (client: string) => {
    const response = await fetch(fixture.wharf.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': portalKey, 'x-forwarded-for': client },
      body: '{"query":"{ regions { code } }"}',
    });
    const body = (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
    return { status: response.status, error: body.errors?.[0] };
  };

  it('lets one visitor spend only its own share of the key, never another visitor\'s', async () => {
    const { spender, visitor } = await withinOneMinute(async () => {
      const [a, b] = [newClient(), newClient()];
      return { spender: [await call(a), await call(a), await call(a)], visitor: [await call(b), await call(b)] };
    });
    expect(spender.map((result) => result.status)).toEqual([200, 200, 429]);
    expect(spender[2]!.error).toEqual({
      message: expect.stringMatching(/^API key "portal" from one client address may make 2 requests a minute; this is request 3\. Wait \d+ s\.$/),
      extensions: { code: 'RATE_LIMITED', limit: 2 },
    });
    expect(visitor.map((result) => result.status)).toEqual([200, 200]);
  });
});
