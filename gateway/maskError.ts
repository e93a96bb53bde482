import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { errorCodes } from '../schema/errorCodes.ts';

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
 * The gateway's `maskedErrors.maskError`: an error with a public code passes
 * (that includes region errors, which travel as values); so do parse and
 * validation errors. Anything else may carry internals — a URL, a stack, a
 * file path — and reaches the client only as `INTERNAL_SERVER_ERROR` with a
 * request id that the log line carries too.
 */
export function maskError(error: unknown, message: string): Error {
  if (isGraphQLError(error)) {
    const code = codeOf(error) ?? codeOf(error.originalError);
    if (code && publicCodes.has(code)) {
      if (codeOf(error) === code) return error;
      return new GraphQLError(error.message, { ...(error.path ? { path: error.path } : {}), extensions: { ...error.extensions, code } });
    }
    if (!code && isRequestError(error)) return error;
  } else if (typeof error === 'object' && error !== null && !(error instanceof Error)) {
    // A formatted error (a plain object) that reached the engine as is.
    const { message: text, path, extensions } = error as { message?: unknown; path?: (string | number)[]; extensions?: Record<string, unknown> };
    const code = codeOf(error);
    if (typeof text === 'string' && code && publicCodes.has(code)) {
      return new GraphQLError(text, { ...(path ? { path } : {}), extensions: { ...extensions, code } });
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
