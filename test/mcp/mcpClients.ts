import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { demoIssuer, demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { wharfBin } from '../support/runWharf.ts';

export const demoTokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;

/** Whose credentials a client sends. */
export type As = { token?: string; apiKey?: string };

export type Transport = 'http' | 'stdio';

/** An SDK client connected to Wharf, and what its server wrote to stderr (stdio only). */
export interface ConnectedClient extends AsyncDisposable {
  client: Client;
  stderr(): string;
}

/** The SDK's own client over Streamable HTTP to the gateway's `/mcp`, with the caller's headers. */
export async function connectHttp(origin: string, as: As = {}): Promise<ConnectedClient> {
  const headers: Record<string, string> = {
    ...(as.token ? { authorization: `Bearer ${as.token}` } : {}),
    ...(as.apiKey ? { 'x-api-key': as.apiKey } : {}),
  };
  const client = new Client({ name: 'wharf-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { requestInit: { headers } }));
  return { client, stderr: () => '', [Symbol.asyncDispose]: () => client.close() };
}

/** The SDK's own client over stdio, to `wharf mcp --endpoint` spawned as an MCP client would, the credential in the environment. */
export async function connectStdio(graphqlUrl: string, as: As = {}): Promise<ConnectedClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [wharfBin, 'mcp', '--endpoint', graphqlUrl],
    env: {
      ...getDefaultEnvironment(),
      ...(as.token ? { WHARF_MCP_TOKEN: as.token } : {}),
      ...(as.apiKey ? { WHARF_MCP_API_KEY: as.apiKey } : {}),
    },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'wharf-test', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    // Let the process's last words arrive before the caller reads them.
    await new Promise((resolve) => setTimeout(resolve, 100));
    throw Object.assign(error as Error, { stderr });
  }
  return { client, stderr: () => stderr, [Symbol.asyncDispose]: () => client.close() };
}

export function connect(transport: Transport, wharf: { origin: string; graphqlUrl: string }, as: As = {}): Promise<ConnectedClient> {
  return transport === 'http' ? connectHttp(wharf.origin, as) : connectStdio(wharf.graphqlUrl, as);
}

/** Calls a tool and returns its whole result. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** The text of a tool result. */
export const textOf = (result: CallToolResult) => result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n');

/** A demo-issuer token for a Macao analyst that expired a minute ago. */
export async function expiredToken(): Promise<string> {
  const key = await importPKCS8(readFileSync(new URL('../../gateway/demo/identity/jwt-es256-private.pem', import.meta.url), 'utf8'), 'ES256');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'mo-expired-1', org: 'macao-dsec', jurisdiction: 'MO', roles: ['analyst'], purpose: 'statistics' })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuer(demoIssuer.issuer)
    .setAudience(demoIssuer.audience)
    .setIssuedAt(now - 3600)
    .setExpirationTime(now - 60)
    .sign(key);
}
