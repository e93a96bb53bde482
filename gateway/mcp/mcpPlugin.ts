import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { randomUUID } from 'node:crypto';
import type { ErrorCode } from '../../schema/errorCodes.ts';
import { callerHeaderNames, createOperationRunner, graphqlRequestHeaders } from './createOperationRunner.ts';
import { createWharfMcpServer } from './createWharfMcpServer.ts';
import { mcpOperationHashes, mcpOperations, type McpOperationName } from './mcpOperations.ts';

/** Where the gateway serves MCP (Streamable HTTP). */
export const mcpPath = '/mcp';

export interface McpPluginOptions {
  /**
   * Runs a GraphQL request through the gateway itself (the runtime's own
   * `fetch`), with the MCP request's server context, so identity, rate
   * limits, caches, discoverability and error masking are the gateway's own
   * and the client address is the MCP caller's.
   */
  graphql(request: Request, serverContext: object): Promise<Response>;
  /** The APQ store: the operations are registered in it at start, so tools send only their hashes. */
  apqStore: APQStore;
  /** See `PortalOptions.publicOrigin`: dataset page links, and a browser origin `/mcp` accepts. */
  publicOrigin: string | (() => string);
  /** Other browser origins that may call `/mcp` (`WHARF_CORS_ORIGINS`). @default [] */
  corsOrigins?: readonly string[];
  /** Most JSON-RPC messages in one POST (the gateway's `maxBatch`). @default 10 */
  maxBatch?: number;
}

/**
 * Longest string anywhere in a message, in characters. No argument of any
 * tool comes near it (the longest takes 1000), and the SDK quotes some
 * values back (an unknown tool's name, a resource URI): none longer than this.
 */
const maxStringChars = 4096;

/** The path of the first string in `value` longer than `maxStringChars`, if any. */
function oversizedString(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.length > maxStringChars ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    // Keys count too: a key is quoted as the path of a refused argument.
    if (key.length > maxStringChars) return `${path}.<key>`;
    const found = oversizedString(item, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}

/** A JSON-RPC error for an HTTP-level refusal; `data.code` is the registered code. */
const jsonRpcRefusal = (code: ErrorCode, message: string, jsonRpcCode = -32000) => JSON.stringify({ jsonrpc: '2.0', error: { code: jsonRpcCode, message, data: { code } }, id: null });

/**
 * MCP over Streamable HTTP at `POST /mcp`, stateless: every request gets a
 * server of its own, built for that request's caller and dropped with its
 * answer, so no session, stream or caller outlives a request and any replica
 * can answer any request. Answers are JSON (no SSE stream); `GET` and
 * `DELETE` (stream, session end) are 405.
 *
 * Credentials are the caller's own, as on `/graphql`: a bearer token or an
 * API key, anonymous without one. Before any MCP message is read, the
 * request runs one empty operation through the gateway with them: a bad or
 * expired credential is refused 401 and an exhausted rate limit 429, counted
 * like any GraphQL request (failed authentications too). Each tool then runs
 * its fixed operation through the gateway the same way, so a tool call
 * costs the caller two requests of its limit.
 *
 * The body is bounded by the gateway's request limits (first in the plugin
 * list); a batch of more than `maxBatch` messages, or a string longer than
 * 4096 characters anywhere in a message, is refused. A browser page
 * may call only from the public origin or a configured CORS origin (the MCP
 * specification asks servers to check `Origin` against DNS rebinding).
 */
export function mcpPlugin(options: McpPluginOptions): GatewayPlugin {
  const maxBatch = options.maxBatch ?? 10;
  const originOf = () => (typeof options.publicOrigin === 'string' ? options.publicOrigin : options.publicOrigin());
  const allowedOrigins = new Set((options.corsOrigins ?? []).map((origin) => origin.toLowerCase()));
  for (const [name, query] of Object.entries(mcpOperations)) {
    void Promise.resolve()
      .then(() => options.apqStore.set(mcpOperationHashes[name as McpOperationName], query))
      .catch(() => undefined);
  }

  async function handle(request: Request, url: URL, serverContext: object, ResponseClass: typeof Response): Promise<Response> {
    const refuse = (status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}, jsonRpcCode?: number) =>
      new ResponseClass(jsonRpcRefusal(code, message, jsonRpcCode), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

    if (request.method !== 'POST') {
      return refuse(405, 'BAD_USER_INPUT', `Wharf's MCP endpoint is stateless: POST JSON-RPC messages to ${mcpPath}. It keeps no session, so there is no stream to GET and none to DELETE.`, { allow: 'POST' });
    }
    const origin = request.headers.get('origin');
    if (origin !== null && origin.toLowerCase() !== originOf().toLowerCase() && !allowedOrigins.has(origin.toLowerCase())) {
      return refuse(403, 'ORIGIN_NOT_ALLOWED', `A page from ${origin.slice(0, 100)} may not call ${mcpPath}: only the gateway's own origin and its WHARF_CORS_ORIGINS may.`);
    }

    const headers: Record<string, string> = { ...graphqlRequestHeaders };
    for (const name of callerHeaderNames) {
      const value = request.headers.get(name);
      if (value) headers[name] = value;
    }
    const graphqlUrl = new URL('/graphql', url);
    const run = createOperationRunner((body) => options.graphql(new Request(graphqlUrl, { method: 'POST', headers, body }), serverContext));

    // The gateway's identity step names the caller, or refuses the credential or the rate, before any message is read.
    const caller = await run('WharfMcpCaller', {});
    if (!caller.data) {
      const error = caller.errors[0];
      const status = caller.status >= 400 ? caller.status : 502;
      const extra: Record<string, string> = {
        ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        ...(caller.retryAfter ? { 'retry-after': caller.retryAfter } : {}),
      };
      return refuse(status, (error?.extensions?.code as ErrorCode | undefined) ?? 'INTERNAL_SERVER_ERROR', error?.message ?? `The gateway answered HTTP ${caller.status}.`, extra);
    }

    const mediaType = request.headers.get('content-type')?.split(';', 1)[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      return refuse(415, 'BAD_USER_INPUT', `Send JSON-RPC messages with "content-type: application/json"; got "${(mediaType ?? '').slice(0, 60)}".`);
    }
    let body: unknown;
    try {
      // Bounded: the request limits plugin has refused a body over maxBodyBytes before this runs.
      body = JSON.parse(await request.text());
    } catch {
      return refuse(400, 'BAD_USER_INPUT', 'The body is not JSON: send one JSON-RPC message, such as {"jsonrpc":"2.0","id":1,"method":"tools/list"}.', {}, -32700);
    }
    if (Array.isArray(body) && body.length > maxBatch) {
      return refuse(413, 'LIMIT_EXCEEDED', `The batch has ${body.length} messages; the gateway's maxBatch is ${maxBatch}.`, {}, -32600);
    }

    const oversized = oversizedString(body, 'message');
    if (oversized) return refuse(413, 'LIMIT_EXCEEDED', `A string at ${oversized.slice(0, 200)} is longer than the ${maxStringChars} characters a message may hold.`, {}, -32600);

    const server = createWharfMcpServer({ run, pageOrigin: originOf });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    try {
      await server.connect(transport);
      // With JSON answers, this resolves once every message of the request has been answered.
      const answer = await transport.handleRequest(request, { parsedBody: body });
      // Each answer is the caller's own: never kept or shared by a cache on the way.
      const headers = new Headers(answer.headers);
      headers.set('cache-control', 'private, no-store');
      headers.set('vary', 'authorization, x-api-key');
      return new ResponseClass(answer.body, { status: answer.status, headers });
    } finally {
      await server.close();
    }
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname !== mcpPath) return;
      return handle(request, url, serverContext, fetchAPI.Response).then(endResponse, (error: unknown) => {
        const requestId = randomUUID();
        console.error(JSON.stringify({ level: 'error', msg: 'mcp request failed', requestId, error: error instanceof Error ? error.message : String(error) }));
        endResponse(
          new fetchAPI.Response(jsonRpcRefusal('INTERNAL_SERVER_ERROR', `The MCP request failed; quote request id ${requestId} when reporting it.`, -32603), {
            status: 500,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      });
    },
  };
}
