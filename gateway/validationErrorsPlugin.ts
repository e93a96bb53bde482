import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { GraphQLError } from 'graphql';
import { errorCodes, type ErrorCode } from '../schema/errorCodes.ts';
import { boundedMessage } from './maskError.ts';

/**
 * Validation errors (the operation limits' among them) answered as every
 * other error about the request: with the HTTP status the registry gives
 * their code (400) whatever the client accepts, and messages bounded like
 * `maskError`'s. The server returns validation errors without masking them,
 * and marks them as the GraphQL-over-HTTP spec's, which it answers with 200
 * to a client that accepts `application/json`.
 *
 * Errors are changed in place: the validation cache keeps them, and both
 * changes give the same error again when applied twice.
 */
export function validationErrorsPlugin(): GatewayPlugin {
  return {
    onValidate() {
      return ({ valid, result }) => {
        if (valid) return;
        for (const error of result as GraphQLError[]) {
          const extensions = error.extensions as Record<string, unknown>;
          const code = typeof extensions.code === 'string' ? extensions.code : 'GRAPHQL_VALIDATION_FAILED';
          extensions.code = code;
          const http = extensions.http as { status?: number } | undefined;
          extensions.http = { ...http, status: http?.status ?? errorCodes[code as ErrorCode]?.httpStatus ?? 400, spec: false };
          error.message = boundedMessage(error.message);
        }
      };
    },
  };
}
