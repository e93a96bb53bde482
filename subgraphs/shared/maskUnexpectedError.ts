import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { errorCodes, WharfError } from '../../schema/errorCodes.ts';

/** Apollo Server's codes for a request the client got wrong (no operation, an unknown operation name): bad input, not failures. */
const apolloRequestErrorCodes = new Set(['BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_SUPPORTED']);

/**
 * Apollo `formatError` for Wharf subgraphs: coded Wharf errors and GraphQL
 * request errors (parse, validation, bad input) pass through; anything else
 * is an unexpected failure whose message may hold internals (URLs, SQL, file
 * paths), so the client gets only `INTERNAL_SERVER_ERROR` and a request id
 * that is also in the log line.
 */
export function maskUnexpectedError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = formatted.extensions?.code;
  const known = typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR' && (code in errorCodes || apolloRequestErrorCodes.has(code));
  if (original instanceof WharfError || known) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const requestId = randomUUID();
  // One JSON line, the stack's newlines escaped: a log collector keeps it as one entry.
  console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'unexpected error', requestId, error: String((original as Error)?.stack ?? original) }));
  return {
    message: `Unexpected error; quote request id ${requestId} when reporting it.`,
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
  };
}
