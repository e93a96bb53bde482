import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Readable, Writable } from 'node:stream';
import { createOperationRunner, graphqlRequestHeaders } from './createOperationRunner.ts';
import { createWharfMcpServer } from './createWharfMcpServer.ts';
import { ToolFailure } from './toolFailure.ts';

/** Whose credentials the tools run with: a bearer token (JWT) or a portal API key. */
export type McpCredential = { kind: 'bearer'; token: string } | { kind: 'apiKey'; key: string };

export interface McpStdioOptions {
  /** The gateway's GraphQL endpoint (`https://data.example.org/graphql`); an origin alone means its `/graphql`. */
  endpoint: string;
  /** Undefined: anonymous. */
  credential?: McpCredential;
  /** Longest wait for one gateway answer, in milliseconds. @default 30000 */
  timeoutMs?: number;
  /** Largest message read from the client, in bytes. @default 1048576 */
  maxMessageBytes?: number;
  /** @default process.stdin */
  stdin?: Readable;
  /** @default process.stdout */
  stdout?: Writable;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Log line writer (stderr: stdout carries the protocol). @default console.error */
  log?: (line: string) => void;
}

export class McpEndpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpEndpointError';
  }
}

/** `endpoint` as the URL GraphQL is POSTed to; an http(s) URL without credentials, or it throws naming the problem. */
export function graphqlEndpointOf(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new McpEndpointError(`--endpoint must be the gateway's GraphQL URL, such as https://data.example.org/graphql; got "${endpoint.slice(0, 200)}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new McpEndpointError(`--endpoint must be an http or https URL; got ${url.protocol}.`);
  // The credential goes in a header, from the environment or a file; never in a URL a process listing shows.
  if (url.username || url.password) throw new McpEndpointError('--endpoint must not carry credentials: set WHARF_MCP_TOKEN or WHARF_MCP_API_KEY (or --token-file / --api-key-file) instead.');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url;
}

/**
 * Wharf's MCP server on stdin/stdout, for MCP clients that start their
 * servers as processes (`wharf mcp --endpoint URL`): each tool POSTs its
 * fixed operation to the gateway's GraphQL endpoint with the credential, so
 * the gateway decides everything, as for any client with that credential.
 * A credential the gateway refuses (expired, say) stops it before it
 * serves, with the gateway's reason (`McpEndpointError`). Resolves when the
 * client closes stdin. Nothing but protocol messages is written to stdout;
 * logs go to stderr.
 */
export async function serveMcpStdio(options: McpStdioOptions): Promise<void> {
  const url = graphqlEndpointOf(options.endpoint);
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const headers: Record<string, string> = { ...graphqlRequestHeaders };
  if (options.credential?.kind === 'bearer') headers.authorization = `Bearer ${options.credential.token}`;
  if (options.credential?.kind === 'apiKey') headers['x-api-key'] = options.credential.key;

  const run = createOperationRunner(async (body) => {
    try {
      // No redirects: the credential goes to the endpoint named and nowhere else.
      return await fetchImpl(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : ((error as { cause?: Error }).cause?.message ?? (error as Error).message);
      throw new ToolFailure(`The Wharf gateway at ${url.origin} could not be reached (${cause}). Is it running, and is --endpoint right?`);
    }
  });
  // A credential the gateway refuses fails the start, where the client shows it; a gateway that is down only delays the tools.
  const log = options.log ?? ((line: string) => console.error(line));
  try {
    const caller = await run('WharfMcpCaller', {});
    if (caller.status === 401) throw new McpEndpointError(`The gateway at ${url.origin} refused the credential: ${caller.errors[0]?.message ?? 'HTTP 401'}`);
  } catch (error) {
    if (error instanceof McpEndpointError) throw error;
    log(`wharf mcp: ${error instanceof ToolFailure ? error.message : (error as Error).message} Serving anyway; each tool will try again.`);
  }
  const server = createWharfMcpServer({ run, pageOrigin: () => url.origin });
  const stdin = options.stdin ?? process.stdin;
  const transport = new StdioServerTransport(stdin, options.stdout ?? process.stdout, { maxBufferSize: options.maxMessageBytes ?? 1_048_576 });
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve;
  });
  await server.connect(transport);
  // The client ends the session by closing our stdin.
  stdin.once('end', () => void server.close());
  stdin.once('close', () => void server.close());
  await closed;
}
