import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayEndpoints, type GatewayCredential } from '../../gateway/gatewayEndpoints.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const adminToken = 'admin-token-for-the-endpoint-walk-0001';
const metricsToken = 'metrics-token-for-the-endpoint-walk-001';

let fixture: FixtureWharf;
beforeAll(async () => {
  fixture = await startFixtureWharf({ adminToken, metricsToken, webhookSecret: 'webhook-secret-for-the-walk' });
});
afterAll(async () => {
  await fixture?.[Symbol.asyncDispose]();
});

/** A concrete path for each entry (a subtree gets one of its children). */
const children: Record<string, string> = { '/datasets': 'MO%3Atrade-balance', '/assets/graphiql': 'graphiql.css', '/api/3/action': 'package_search', '/api/action': 'package_search', '/dcat': 'regions/MO' };
const concrete = (path: string, subtree: boolean | undefined) => (subtree ? `${path}/${children[path] ?? 'MO'}` : path);
/** A request each method of each entry would accept, but for its credential. */
function init(method: string, path: string, headers: Record<string, string> = {}): RequestInit {
  const mcp = path === '/mcp' ? JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'list_regions', arguments: {} } }) : undefined;
  const body = method !== 'POST' ? undefined : path === '/graphql' ? JSON.stringify({ query: '{ regions { code } }' }) : path === '/hooks/harvest' ? '{"region":"MO"}' : (mcp ?? '{}');
  // An MCP client accepts JSON and an event stream (the endpoint answers JSON).
  const accept: Record<string, string> = mcp ? { accept: 'application/json, text/event-stream' } : {};
  return { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...accept, ...headers }, ...(body ? { body } : {}) };
}

describe('gateway endpoints: who may call what', () => {
  const calls = (credentials: GatewayCredential[]) =>
    gatewayEndpoints
      .filter((endpoint) => credentials.includes(endpoint.credential))
      .flatMap((endpoint) => endpoint.methods.filter((method) => method !== 'OPTIONS').map((method) => [method, concrete(endpoint.path, endpoint.subtree), endpoint.credential] as const));

  it.each(calls(['admin', 'metrics', 'region']))('refuses %s %s without its %s credential, and with a wrong one', async (method, path) => {
    const none = await fetch(`${fixture.wharf.origin}${path}`, init(method, path));
    expect(none.status).toBe(401);
    const wrong = await fetch(
      `${fixture.wharf.origin}${path}`,
      init(method, path, { authorization: 'Bearer not-the-right-token-at-all-0000', 'x-wharf-timestamp': String(Math.floor(Date.now() / 1000)), 'x-wharf-signature': 'sha256=00' }),
    );
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain('MO:trade-balance');
  });

  it.each(calls(['consumer']))('refuses %s %s with a bad bearer token rather than answering it as anonymous', async (method, path) => {
    const response = await fetch(`${fixture.wharf.origin}${path}`, init(method, path, { authorization: 'Bearer not.a.token', accept: 'application/json' }));
    expect(response.status).toBe(401);
  });

  it.each(calls(['consumer', 'public']))('answers %s %s anonymously', async (method, path) => {
    // A browser's Accept, but for the DCAT documents, which are RDF and answer 406 to text/html alone.
    const accept = path.startsWith('/dcat') ? 'application/ld+json' : 'text/html';
    const response = await fetch(`${fixture.wharf.origin}${path}`, init(method, path, method === 'POST' ? {} : { accept }));
    expect(response.status).toBe(200);
  });

  it('answers 404 to every path the list does not name, before reading it', async () => {
    for (const path of ['/graphql/', '/anything/graphql', '/admin', '/admin-regions', '/metrics/x', '/hooks', '/embed/other.js', '/datasets', '/.env', '/health/']) {
      const response = await fetch(`${fixture.wharf.origin}${path}`, { method: 'POST', body: 'x'.repeat(10), headers: { 'content-type': 'application/json' } });
      expect(response.status, path).toBe(404);
    }
  });
});
