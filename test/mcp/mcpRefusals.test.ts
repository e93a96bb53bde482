import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { runWharf } from '../support/runWharf.ts';
import { call, connect, connectHttp, connectStdio, demoTokens, expiredToken, textOf, type ConnectedClient, type Transport } from './mcpClients.ts';

const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const toolsCall = (id: number, name: string, args: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/** Runs `burst` again, as its second attempt, if it straddled a window boundary (fixed windows of one minute). */
async function withinOneMinute<T>(burst: (attempt: 0 | 1) => Promise<T>): Promise<T> {
  const minute = Math.floor(Date.now() / 60_000);
  const result = await burst(0);
  return Math.floor(Date.now() / 60_000) === minute ? result : burst(1);
}

let fixture: FixtureWharf;
beforeAll(async () => {
  fixture = await startFixtureWharf();
}, 60_000);
afterAll(async () => {
  await fixture?.[Symbol.asyncDispose]();
});

/** Bad arguments, each with the message its tool error must give. */
const badCalls: [string, Record<string, unknown>, string][] = [
  ['search_datasets', { first: 0 }, 'Invalid arguments for tool search_datasets: must be from 1 to 50 at first'],
  ['search_datasets', { query: 'x'.repeat(600) }, 'Invalid arguments for tool search_datasets: must be at most 500 characters at query'],
  ['search_datasets', { themes: 'ECON' }, 'Invalid arguments for tool search_datasets: Invalid input: expected array, received string at themes'],
  ['search_datasets', { after: 'not-a-cursor' }, 'BAD_USER_INPUT: "after" must be a cursor from a previous page\'s edges; got "not-a-cursor".'],
  ['get_dataset', {}, 'Invalid arguments for tool get_dataset: Invalid input: expected string, received undefined at id'],
  ['get_dataset', { id: 'trade balance' }, 'Invalid arguments for tool get_dataset: must be a catalogue dataset id: a region code, a colon and the identifier, such as "MO:trade-balance" at id'],
  ['check_access', { id: 'MO:trade-balance', purpose: 'Public Health!' }, 'Invalid arguments for tool check_access: must be a purpose name in lower case, such as "statistics", "research" or "public-health" at purpose'],
  ['get_lineage', { id: 'MO:trade-balance', depth: 50 }, 'Invalid arguments for tool get_lineage: must be from 1 to 10 at depth'],
  ['get_lineage', { id: 'MO:trade-balance', direction: 'SIDEWAYS' }, 'Invalid arguments for tool get_lineage: must be UPSTREAM, DOWNSTREAM or BOTH at direction'],
  ['cross_border_flows', { since: 'yesterday' }, 'Invalid arguments for tool cross_border_flows: must be an ISO 8601 date such as "2025-01-31" at since'],
  ['cross_border_flows', { from: 'China' }, 'Invalid arguments for tool cross_border_flows: must be a region code such as "MO" or "CN-GX" (ISO 3166, upper case) at from'],
  ['drop_tables', {}, 'Tool drop_tables not found'],
];

describe.each(['http', 'stdio'] as Transport[])('MCP refusals over %s', (transport) => {
  let client: ConnectedClient;
  beforeAll(async () => {
    client = await connect(transport, fixture.wharf);
  }, 60_000);
  afterAll(async () => {
    await client?.[Symbol.asyncDispose]();
  });

  it.each(badCalls)('answers %s with bad arguments %j as a tool error naming what to change', async (name, args, message) => {
    const result = await call(client.client, name, args);
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(textOf(result)).toContain(message);
    expect(textOf(result)).not.toMatch(/\n\s+at /);
    // The session goes on: a good call right after is answered.
    expect((await call(client.client, 'list_regions')).isError).toBeFalsy();
  });
});

describe('MCP with an expired token', () => {
  it('is refused 401 over HTTP before any message is read, with the gateway’s reason', async () => {
    const token = await expiredToken();
    const refused = await connectHttp(fixture.wharf.origin, { token }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);
    const response = await fetch(`${fixture.wharf.origin}/mcp`, { method: 'POST', headers: { ...mcpHeaders, authorization: `Bearer ${token}` }, body: JSON.stringify(toolsCall(1, 'list_regions')) });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'The bearer token has expired.', data: { code: 'UNAUTHENTICATED' } }, id: null });
  });

  it('stops `wharf mcp` before it serves, saying why, over stdio', async () => {
    const refused = (await connectStdio(fixture.wharf.graphqlUrl, { token: await expiredToken() }).then(
      () => undefined,
      (error: unknown) => error,
    )) as Error & { stderr: string };
    expect(refused).toBeInstanceOf(Error);
    expect(refused.stderr).toContain(`The gateway at ${fixture.wharf.origin} refused the credential: The bearer token has expired.`);
  });
});

describe('wharf mcp arguments', () => {
  it('never takes a credential as an argument, and needs an endpoint', async () => {
    const withToken = await runWharf('mcp', '--endpoint', fixture.wharf.graphqlUrl, '--token', demoTokens['guangxi-official']!);
    expect(withToken.code).toBe(2);
    expect(withToken.stderr).toContain('A credential is never taken as an argument');
    const without = await runWharf('mcp');
    expect([without.code, without.stderr.trim()]).toEqual([2, 'Usage: wharf mcp --endpoint <graphql-url> [--token-file F | --api-key-file F]   (or WHARF_MCP_TOKEN / WHARF_MCP_API_KEY)']);
    const withPassword = await runWharf('mcp', '--endpoint', 'https://user:secret@data.example.org/graphql');
    expect(withPassword.code).toBe(1);
    expect(withPassword.stderr).toContain('--endpoint must not carry credentials');
    expect(withPassword.stderr).not.toContain('secret');
  });
});

describe('MCP over HTTP: what the endpoint refuses', () => {
  const post = (body: string, headers: Record<string, string> = {}) => fetch(`${fixture.wharf.origin}/mcp`, { method: 'POST', headers: { ...mcpHeaders, ...headers }, body });

  it('answers one tools/call without a session: every request stands alone', async () => {
    const response = await post(JSON.stringify(toolsCall(7, 'list_regions')));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: 7, result: { structuredContent: { regions: [{ code: 'CN-GX' }, { code: 'MO' }, { code: 'VN' }] } } });
  });

  it('refuses a stream, a foreign page, a batch over maxBatch, a body over maxBodyBytes, an overlong string and what is not JSON, each naming what to change', async () => {
    const get = await fetch(`${fixture.wharf.origin}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect([get.status, get.headers.get('allow'), ((await get.json()) as { error: { data: unknown } }).error.data]).toEqual([405, 'POST', { code: 'BAD_USER_INPUT' }]);

    const foreign = await post(JSON.stringify(toolsCall(1, 'list_regions')), { origin: 'https://evil.example' });
    expect([foreign.status, await foreign.json()]).toEqual([
      403,
      { jsonrpc: '2.0', error: { code: -32000, message: 'A page from https://evil.example may not call /mcp: only the gateway\'s own origin and its WHARF_CORS_ORIGINS may.', data: { code: 'ORIGIN_NOT_ALLOWED' } }, id: null },
    ]);
    expect((await post(JSON.stringify(toolsCall(1, 'list_regions')), { origin: fixture.wharf.origin })).status).toBe(200);

    const batch = await post(JSON.stringify(Array.from({ length: 11 }, (_, i) => toolsCall(i, 'list_regions'))));
    expect([batch.status, ((await batch.json()) as { error: unknown }).error]).toEqual([413, { code: -32600, message: "The batch has 11 messages; the gateway's maxBatch is 10.", data: { code: 'LIMIT_EXCEEDED' } }]);

    const huge = await post(JSON.stringify(toolsCall(1, 'search_datasets', { query: 'x'.repeat(1_100_000) })));
    expect([huge.status, ((await huge.json()) as { errors: { extensions: unknown }[] }).errors[0]!.extensions]).toEqual([413, { code: 'LIMIT_EXCEEDED', limit: 'maxBodyBytes', max: 1_048_576 }]);

    const longName = await post(JSON.stringify(toolsCall(1, 'n'.repeat(5000))));
    const longNameText = await longName.text();
    expect([longName.status, JSON.parse(longNameText).error.message]).toEqual([413, 'A string at message.params.name is longer than the 4096 characters a message may hold.']);
    expect(longNameText).not.toContain('nnnn');

    const notJson = await post('{"jsonrpc":');
    expect([notJson.status, ((await notJson.json()) as { error: { code: number } }).error.code]).toEqual([400, -32700]);
    const form = await post('a=b', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
  });
});

describe('MCP rate limits', () => {
  let limited: FixtureWharf;
  beforeAll(async () => {
    // Behind a trusted proxy on loopback, so each test client can be a client address of its own.
    limited = await startFixtureWharf({ clientRequestsPerMinute: 5, identity: { trustedProxies: ['127.0.0.1'] } });
  }, 60_000);
  afterAll(async () => {
    await limited?.[Symbol.asyncDispose]();
  });

  it('count every MCP request and every operation a tool runs against the caller’s limit, over HTTP', async () => {
    const subjects = ['macao-statistician', 'gba-logistics-analyst'] as const;
    const outcomes = await withinOneMinute(async (attempt) => {
      // A subject of its own for each attempt: the window of a retried burst starts empty.
      await using session = await connectHttp(limited.wharf.origin, { token: demoTokens[subjects[attempt]] });
      // initialize (1) and its notification (2); each call: the MCP request, then the tool's operation.
      const first = await call(session.client, 'list_regions');
      const second = await call(session.client, 'list_regions');
      const third = await call(session.client, 'list_regions').then(
        () => 'answered',
        (error: unknown) => error,
      );
      return { first, second, third };
    });
    expect(outcomes.first.isError).toBeFalsy();
    expect(outcomes.second.isError).toBe(true);
    expect(textOf(outcomes.second)).toMatch(/^RATE_LIMITED: Subject "(mo-analyst-01|gd-logistics-3)" may make 5 requests a minute; this is request 6\. Wait \d+ s\. Retry after \d+ s\.$/);
    expect(outcomes.third).toBeInstanceOf(StreamableHTTPError);
    expect((outcomes.third as StreamableHTTPError).code).toBe(429);
    expect((outcomes.third as Error).message).toContain('"data":{"code":"RATE_LIMITED"}');
  });

  it('count an anonymous caller by its own client address, not the gateway’s', async () => {
    const outcomes = await withinOneMinute(async (attempt) => {
      const callFrom = async (address: string) => {
        const response = await fetch(`${limited.wharf.origin}/mcp`, {
          method: 'POST',
          headers: { ...mcpHeaders, 'x-forwarded-for': address },
          body: JSON.stringify(toolsCall(1, 'list_regions')),
        });
        const body = (await response.json()) as { result?: { isError?: boolean; content: { text: string }[] } };
        return response.status !== 200 ? `HTTP ${response.status}` : body.result!.isError ? body.result!.content[0]!.text : 'answered';
      };
      const first = `203.0.113.${10 + attempt}`;
      // Each call is two requests: the MCP request and the tool's operation.
      return [await callFrom(first), await callFrom(first), await callFrom(first), await callFrom(first), await callFrom(`198.51.100.${10 + attempt}`)];
    });
    expect(outcomes.slice(0, 2)).toEqual(['answered', 'answered']);
    expect(outcomes[2]).toMatch(/^RATE_LIMITED: An anonymous client may make 5 requests a minute; this is request 6\./);
    expect(outcomes[3]).toBe('HTTP 429');
    // Another client address has its own window.
    expect(outcomes[4]).toBe('answered');
  });

  it('count every operation a tool runs against the caller’s limit, over stdio', async () => {
    const subjects = ['hanoi-researcher', 'singapore-researcher'] as const;
    const texts = await withinOneMinute(async (attempt) => {
      await using session = await connectStdio(limited.wharf.graphqlUrl, { token: demoTokens[subjects[attempt]] });
      // The credential check at start is one request; each call one more.
      const results = [];
      for (let i = 0; i < 5; i += 1) results.push(await call(session.client, 'list_regions'));
      return results.map((result) => (result.isError ? textOf(result) : 'answered'));
    });
    expect(texts.slice(0, 4)).toEqual(['answered', 'answered', 'answered', 'answered']);
    expect(texts[4]).toMatch(/^RATE_LIMITED: Subject "(vn-res-5|sg-res-12)" may make 5 requests a minute; this is request 6\. Wait \d+ s\. Retry after \d+ s\.$/);
  });
});
