import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityPlugin } from '../../gateway/identity/identityPlugin.ts';
import { createAuthenticator } from '../../gateway/identity/authenticate.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { loopbackProxy, newClient, withinOneMinute } from './clientWindows.ts';

const limit = 4;
const query = '{ regions { code } }';
const body = JSON.stringify({ query });
const batch = JSON.stringify([{ query }, { query }]);
const queryString = `query=${encodeURIComponent(query)}`;

describe('GraphQL served on /graphql only', () => {
  let fixture: FixtureWharf;
  let origin: string;
  const send = async (path: string, init: { method?: string; body?: string; headers?: Record<string, string> }, client = newClient()) => {
    const response = await fetch(`${origin}${path}`, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-forwarded-for': client, ...init.headers },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
    const text = await response.text();
    return { status: response.status, text };
  };

  beforeAll(async () => {
    fixture = await startFixtureWharf({ clientRequestsPerMinute: limit, identity: { trustedProxies: loopbackProxy } });
    origin = fixture.wharf.origin;
  });
  afterAll(async () => {
    await fixture?.[Symbol.asyncDispose]();
  });

  const variants: [string, string, { method?: string; body?: string }][] = [
    ['a trailing slash', '/graphql/', { body }],
    ['a prefix', '/anything/graphql', { body }],
    ['a query string ending in /graphql', '/?x=/graphql', { body }],
    ['a batch to a trailing slash', '/graphql/', { body: batch }],
    ['GET with a query string to a trailing slash', `/graphql/?${queryString}`, { method: 'GET' }],
    ['GET with a query string to a prefix', `/anything/graphql?${queryString}`, { method: 'GET' }],
    ['an encoded path', '/%67raphql', { body }],
  ];

  // Some variants the runtime itself already answers 404 (with no body); the rest reach the identity step's 404.
  it.each(variants)('answers 404 and executes nothing for %s', async (_, path, init) => {
    for (const headers of [{}, { 'x-api-key': 'not-a-key' }] as Record<string, string>[]) {
      const response = await send(path, { ...init, headers });
      expect(response.status).toBe(404);
      expect(response.text).not.toContain('"data"');
      // Unlisted paths are refused by the endpoint guard; a listed one (`/`) by identity, for anything that would execute there.
      if (response.text) expect(response.text).toMatch(/GraphQL is served at \/graphql only/);
    }
  });

  it('names the one GraphQL path in its 404', async () => {
    expect(await send('/graphql/', { body })).toEqual({ status: 404, text: JSON.stringify({ errors: [{ message: 'No route /graphql/: GraphQL is served at /graphql only; SECURITY.md lists every path the gateway serves.', extensions: { code: 'NOT_FOUND' } }] }) });
  });

  it('keeps a client over its limit refused on every variant, as on /graphql', async () => {
    const outcome = await withinOneMinute(async () => {
      const client = newClient();
      const used = [];
      for (let i = 0; i < limit; i += 1) used.push((await send('/graphql', { body }, client)).status);
      const variantStatuses = [];
      for (const [, path, init] of variants) variantStatuses.push((await send(path, init, client)).status);
      return { used, graphql: (await send('/graphql', { body }, client)).status, variantStatuses };
    });
    expect(outcome).toEqual({ used: [200, 200, 200, 200], graphql: 429, variantStatuses: variants.map(() => 404) });
  });

  it('refuses bad credentials on /graphql for a POST, a batch and a GET with a query string', async () => {
    for (const init of [{ body }, { body: batch }, { method: 'GET' }]) {
      const path = init.method === 'GET' ? `/graphql?${queryString}` : '/graphql';
      const refused = await send(path, { ...init, headers: { 'x-api-key': 'not-a-key' } });
      expect(refused.status).toBe(401);
      expect(JSON.parse(refused.text)).toEqual({ errors: [{ message: 'The API key is not known to this gateway.', extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  });

  it('counts batches and GETs with a query string against the client\'s bucket', async () => {
    const statuses = await withinOneMinute(async () => {
      const client = newClient();
      const results = [];
      for (const init of [{ body: batch }, { method: 'GET' }, { body: batch }, { method: 'GET' }, { body: batch }]) {
        const path = init.method === 'GET' ? `/graphql?${queryString}` : '/graphql';
        results.push((await send(path, init, client)).status);
      }
      return results;
    });
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('identifies the catalogue pages\' own GraphQL calls: a bad key gets no page', async () => {
    const response = await fetch(`${origin}/`, { headers: { 'x-api-key': 'not-a-key', 'x-forwarded-for': newClient() } });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('The API key is not known to this gateway.');
  });
});

describe('identityPlugin fails closed', () => {
  it('refuses an operation and a context whose request no identity step has seen', async () => {
    const plugin = identityPlugin(await createAuthenticator(undefined, { orgs: {}, apiKeys: [] }));
    const request = new Request('http://gateway.test/graphql', { method: 'POST' });
    const refusal = { message: 'No consumer was established for this request, so the gateway refuses it; call POST or GET /graphql.', extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } };
    expect(() => (plugin.onParams as (payload: unknown) => void)({ request })).toThrow(expect.objectContaining(refusal));
    expect(() => (plugin.onContextBuilding as (payload: unknown) => void)({ context: { request }, extendContext: () => undefined })).toThrow(expect.objectContaining(refusal));
  });
});
