import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOperationRunner, type RunOperation } from '../../gateway/mcp/createOperationRunner.ts';
import { createWharfMcpServer } from '../../gateway/mcp/createWharfMcpServer.ts';
import { mcpOperationHashes, mcpOperations } from '../../gateway/mcp/mcpOperations.ts';

/** A client connected in memory to a server whose every operation is answered by `run`. */
async function clientWith(run: RunOperation) {
  const server = createWharfMcpServer({ run, pageOrigin: () => 'https://data.example.org' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'unit', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const text = (result: unknown) => (result as CallToolResult).content.map((item) => (item.type === 'text' ? item.text : '')).join('');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createWharfMcpServer', () => {
  it('answers an unexpected failure as a tool error with a request id, never its message or stack, and logs it for the operator', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const client = await clientWith(async () => {
      throw new TypeError('Cannot read properties of undefined (reading "secretInternalField") at /srv/wharf/gateway/x.ts:12');
    });
    const result = await client.callTool({ name: 'list_regions', arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^INTERNAL_SERVER_ERROR: The request failed; quote request id [0-9a-f-]{36} when reporting it\.$/);
    const requestId = /request id ([0-9a-f-]{36})/.exec(text(result))![1];
    expect(log).toHaveBeenCalledTimes(1);
    expect(JSON.parse(log.mock.calls[0]![0] as string)).toMatchObject({ level: 'error', what: 'tool list_regions', requestId, error: expect.stringContaining('secretInternalField') });
    // Resources fail the same way, as a JSON-RPC error with the request id.
    await expect(client.readResource({ uri: 'wharf://datasets/MO:trade-balance' })).rejects.toThrow(/^MCP error -32603: INTERNAL_SERVER_ERROR: The request failed; quote request id /);
  });

  it('passes a gateway refusal through with its code, message and when to retry', async () => {
    const client = await clientWith(async () => ({
      status: 429,
      data: null,
      errors: [{ message: 'Subject "sg-res-12" may make 600 requests a minute; this is request 601. Wait 17 s.', extensions: { code: 'RATE_LIMITED', limit: 600 } }],
      retryAfter: '17',
    }));
    const result = await client.callTool({ name: 'search_datasets', arguments: { query: 'trade' } });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'RATE_LIMITED: Subject "sg-res-12" may make 600 requests a minute; this is request 601. Wait 17 s. Retry after 17 s.' }],
      isError: true,
    });
  });

  it('notes what a region could not answer beside the rest, leaving out the expected refusals of links', async () => {
    const client = await clientWith(async () => ({
      status: 200,
      data: { dataset: { id: 'MO:trade-balance', title: 'Macau trade balance', access: null } },
      errors: [
        { message: 'Region MO did not answer within 5000 ms.', path: ['dataset', 'access'], extensions: { code: 'REGION_UNAVAILABLE', region: 'MO' } },
        { message: 'Not allowed.', path: ['dataset', 'distributions', 0, 'accessUrl'], extensions: { code: 'FORBIDDEN' } },
      ],
      retryAfter: null,
    }));
    const result = await client.callTool({ name: 'check_access', arguments: { id: 'MO:trade-balance' } });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'The access decision for "MO:trade-balance" could not be made: REGION_UNAVAILABLE: Region MO did not answer within 5000 ms. Try again later.' }],
      isError: true,
    });
  });
});

describe('createOperationRunner', () => {
  it('sends the hash alone, and the text with it once when the gateway does not know the hash', async () => {
    const bodies: Record<string, unknown>[] = [];
    const run = createOperationRunner(async (body) => {
      bodies.push(JSON.parse(body));
      return bodies.length === 1
        ? Response.json({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] }, { status: 404 })
        : Response.json({ data: { regions: [] } });
    });
    expect(await run('WharfMcpRegions', {})).toEqual({ status: 200, data: { regions: [] }, errors: [], retryAfter: null });
    const extensions = { persistedQuery: { version: 1, sha256Hash: mcpOperationHashes.WharfMcpRegions } };
    expect(bodies).toEqual([
      { operationName: 'WharfMcpRegions', variables: {}, extensions },
      { operationName: 'WharfMcpRegions', query: mcpOperations.WharfMcpRegions, variables: {}, extensions },
    ]);
  });

  it('refuses an answer larger than its bound without reading it whole, and one that is not GraphQL', async () => {
    const large = createOperationRunner(async () => new Response('x'.repeat(2048)), { maxResponseBytes: 1024 });
    await expect(large('WharfMcpRegions', {})).rejects.toThrow('The Wharf gateway answered HTTP 200 without a GraphQL body.');
    const html = createOperationRunner(async () => new Response('<html>Bad gateway</html>', { status: 502 }));
    await expect(html('WharfMcpRegions', {})).rejects.toThrow('The Wharf gateway answered HTTP 502 without a GraphQL body.');
  });
});
