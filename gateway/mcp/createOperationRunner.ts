import { mcpOperationHashes, mcpOperations, type McpOperationName, type McpOperationTypes } from './mcpOperations.ts';

/** One GraphQL error as the gateway answers it (already masked and bounded there). */
export interface GatewayError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string } & Record<string, unknown>;
}

/** What one operation came back with; `Data` is the operation's answer as its generated type says. */
export interface OperationResult<Data = Record<string, unknown>> {
  /** The HTTP status of the gateway's answer. */
  status: number;
  data: Data | null;
  errors: readonly GatewayError[];
  /** The `Retry-After` header of a refusal, in seconds. */
  retryAfter: string | null;
}

/** Runs one of `mcpOperations` as the caller and returns the gateway's answer; never throws for a GraphQL error. */
export type RunOperation = <Name extends McpOperationName>(
  name: Name,
  variables: McpOperationTypes[Name]['variables'],
) => Promise<OperationResult<McpOperationTypes[Name]['data']>>;

/**
 * Sends a GraphQL request body (JSON text) to the gateway with the caller's
 * credentials, and answers the gateway's response: in the gateway, the
 * runtime's own `fetch`; over stdio, an HTTP POST to the endpoint.
 */
export type SendGraphql = (body: string) => Promise<Response>;

/** The gateway's answer could not be read as GraphQL (a proxy's error page, a cut connection). */
export class GatewayUnreadableError extends Error {
  constructor(readonly status: number) {
    super(`The Wharf gateway answered HTTP ${status} without a GraphQL body.`);
    this.name = 'GatewayUnreadableError';
  }
}

export interface OperationRunnerOptions {
  /** Largest answer read, in bytes; a larger one is refused unread. @default 16777216 */
  maxResponseBytes?: number;
}

async function readBounded(response: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    return response.body ? undefined : '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isNotFound = (errors: readonly GatewayError[]) => errors.some((error) => error.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND');

/**
 * Runs the fixed operations through `send`, as automatic persisted queries:
 * the hash first, and the text with it when the gateway's store does not
 * know the hash. That resend counts as a request of its own, like any
 * client's.
 */
export function createOperationRunner(send: SendGraphql, options: OperationRunnerOptions = {}): RunOperation {
  const maxBytes = options.maxResponseBytes ?? 16_777_216;

  async function post(body: object): Promise<OperationResult> {
    const response = await send(JSON.stringify(body));
    const text = await readBounded(response, maxBytes);
    if (text === undefined) throw new GatewayUnreadableError(response.status);
    let parsed: { data?: unknown; errors?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new GatewayUnreadableError(response.status);
    }
    if (parsed === null || typeof parsed !== 'object') throw new GatewayUnreadableError(response.status);
    const data = parsed.data !== null && typeof parsed.data === 'object' ? (parsed.data as Record<string, unknown>) : null;
    const errors = Array.isArray(parsed.errors) ? (parsed.errors.filter((error) => typeof error?.message === 'string') as GatewayError[]) : [];
    return { status: response.status, data, errors, retryAfter: response.headers.get('retry-after') };
  }

  return async <Name extends McpOperationName>(name: Name, variables: McpOperationTypes[Name]['variables']) => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: mcpOperationHashes[name] } };
    const first = await post({ operationName: name, variables, extensions });
    // The gateway ran the operation named: its data has the shape the operation selects.
    const typed = (result: OperationResult) => result as OperationResult<McpOperationTypes[Name]['data']>;
    if (!isNotFound(first.errors)) return typed(first);
    return typed(await post({ operationName: name, query: mcpOperations[name], variables, extensions }));
  };
}

/** The request headers that carry who the caller is and where it is: passed on to the gateway's GraphQL as they came. */
export const callerHeaderNames = ['authorization', 'x-api-key', 'x-forwarded-for'] as const;

/** Headers of every GraphQL request the MCP server sends. */
export const graphqlRequestHeaders = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' } as const;
