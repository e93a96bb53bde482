import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { errorCodes, type ErrorCode } from '../schema/errorCodes.ts';

/**
 * Codes a client may see as they are: Wharf's registry (less the masked
 * INTERNAL_SERVER_ERROR) and the request errors the GraphQL server itself
 * raises about the client's own operation.
 */
const publicCodes = new Set<string>([
  ...Object.keys(errorCodes).filter((code) => code !== 'INTERNAL_SERVER_ERROR'),
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/**
 * Structural, not `instanceof`: the runtime may load graphql's CommonJS build
 * while Wharf loads its ES module build, and each has its own GraphQLError.
 */
function isGraphQLError(error: unknown): error is GraphQLError {
  return error instanceof Error && error.name === 'GraphQLError';
}

function codeOf(error: unknown): string | undefined {
  const code = (error as GraphQLError | undefined)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A GraphQL error raised by the server about the operation (parse, validation), not by a resolver. */
function isRequestError(error: GraphQLError): boolean {
  return error.originalError === undefined && error.path === undefined;
}

/**
 * Errors about the client's own request that the server, the executor or the
 * query planner raise without a code, told apart by their wording (the
 * libraries give nothing else to go by). Only errors with no path qualify: a
 * resolver's error is never taken for the client's.
 */
const clientErrorCodes: readonly [RegExp, string][] = [
  [/^Syntax Error: /, 'GRAPHQL_PARSE_FAILED'],
  [/^Variable "\$|cannot represent|^Expected type /, 'BAD_USER_INPUT'],
  [/^(Could not determine what operation to execute|Must provide operation name|Unknown operation named|Failed to normalize operation|Schema is not configured to execute|Must provide query string)/, 'GRAPHQL_VALIDATION_FAILED'],
];

/** Codes the server libraries give errors about the request, as Wharf's registry names them. */
const libraryCodes: Readonly<Record<string, string>> = {
  OPERATION_RESOLUTION_FAILURE: 'GRAPHQL_VALIDATION_FAILED',
  REQUEST_ENTITY_TOO_LARGE: 'LIMIT_EXCEEDED',
};

function clientErrorCode(error: Error & { path?: unknown }): string | undefined {
  if (error.path !== undefined) return undefined;
  const libraryCode = libraryCodes[codeOf(error) ?? ''];
  if (libraryCode) return libraryCode;
  const original = (error as GraphQLError).originalError;
  for (const candidate of [error, original]) {
    if (!candidate) continue;
    for (const [pattern, code] of clientErrorCodes) if (pattern.test(candidate.message)) return code;
  }
  return undefined;
}

/** Longest message a client is sent, in characters; see `boundedMessage`. */
export const maxMessageLength = 500;

/**
 * `message` cut to at most about `maxMessageLength` characters: its start
 * and its end (where messages name the limit or what to change), the middle
 * left out. Messages quote values the client sent (a variable, an id, an
 * operation name) or a region answered; none is reflected at length.
 */
export function boundedMessage(message: string): string {
  if (message.length <= maxMessageLength) return message;
  const head = message.slice(0, 300);
  const tail = message.slice(-150);
  return `${head} … (${message.length - head.length - tail.length} characters left out) … ${tail}`;
}

/**
 * A fresh error of this module's GraphQLError with `code`: the server counts
 * an error whose cause is not a GraphQLError of its own as unexpected (HTTP
 * 500 when there is no data), so causes are left behind.
 */
function coded(error: GraphQLError, code: string): GraphQLError {
  const { http: given, ...extensions } = error.extensions ?? {};
  // A field's error leaves the answer 200 with partial data. An error of the whole request answers the status it was
  // given, else its registered one, whatever the client accepts: the server would answer 200 to an `application/json`
  // client for the errors it marks as the GraphQL-over-HTTP spec's (validation), where docs/api.md promises 400.
  const http = error.path
    ? (given ?? { status: 200 })
    : { ...(given as object | undefined), status: (given as { status?: number } | undefined)?.status ?? errorCodes[code as ErrorCode]?.httpStatus ?? 400, spec: false };
  return new GraphQLError(boundedMessage(error.message), {
    ...(error.nodes ? { nodes: error.nodes } : {}),
    ...(error.source ? { source: error.source } : {}),
    ...(error.positions ? { positions: error.positions } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: withStatus({ ...extensions, code }, http),
  });
}

/** `extensions.http` tells the server the status; not enumerable, so it never reaches the client's JSON. */
function withStatus(extensions: Record<string, unknown>, http: unknown): Record<string, unknown> {
  return Object.defineProperty(extensions, 'http', { value: http, enumerable: false });
}

/**
 * The gateway's `maskedErrors.maskError`: an error with a public code passes
 * (that includes region errors, which travel as values); so do parse and
 * validation errors and the other errors about the client's own request,
 * each given its code. Anything else may carry internals — a URL, a stack, a
 * file path — and reaches the client only as `INTERNAL_SERVER_ERROR` with a
 * request id that the log line carries too.
 */
export function maskError(error: unknown, message: string): Error {
  if (isGraphQLError(error)) {
    const code = codeOf(error) ?? codeOf(error.originalError);
    if (code && publicCodes.has(code)) return coded(error, code);
    const client = code && !libraryCodes[code] ? undefined : clientErrorCode(error);
    if (client) return coded(error, client);
    if (!code && isRequestError(error)) return coded(error, 'GRAPHQL_VALIDATION_FAILED');
  } else if (error instanceof Error) {
    const client = clientErrorCode(error);
    if (client) return new GraphQLError(boundedMessage(error.message), { extensions: withStatus({ code: client }, { status: errorCodes[client as ErrorCode]?.httpStatus ?? 400 }) });
  } else if (typeof error === 'object' && error !== null) {
    // A formatted error (a plain object) that reached the engine as is.
    const { message: text, path, extensions } = error as { message?: unknown; path?: (string | number)[]; extensions?: Record<string, unknown> };
    const code = codeOf(error);
    if (typeof text === 'string' && code && publicCodes.has(code)) {
      return new GraphQLError(boundedMessage(text), { ...(path ? { path } : {}), extensions: { ...extensions, code } });
    }
  }
  const requestId = randomUUID();
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(JSON.stringify({ level: 'error', msg: 'masked unexpected error', requestId, error: detail }));
  return new GraphQLError(`${message.replace(/\.$/, '')}; quote request id ${requestId} when reporting it.`, {
    ...(isGraphQLError(error) && error.path ? { path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  });
}
