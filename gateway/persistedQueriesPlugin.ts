import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { createGraphQLError } from '@graphql-tools/utils';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import { createHash } from 'node:crypto';
import type { ExecutionResult } from 'graphql';

export interface PersistedQueriesOptions {
  /** Where hashes and their texts are kept (see `GatewayOptions.apqStore`). */
  store: APQStore;
}

interface PersistedQueryExtension {
  version: 1;
  sha256Hash: string;
}

function persistedQueryOf(extensions: unknown): PersistedQueryExtension | undefined {
  const value = (extensions as { persistedQuery?: Partial<PersistedQueryExtension> } | undefined)?.persistedQuery;
  return value?.version === 1 && typeof value.sha256Hash === 'string' ? (value as PersistedQueryExtension) : undefined;
}

/**
 * Automatic persisted queries, Apollo's protocol (`extensions.persistedQuery
 * { version: 1, sha256Hash }`): a request with only the hash runs the text
 * registered under it, or fails `PERSISTED_QUERY_NOT_FOUND` (404); a request
 * with the text and its hash runs the text and registers it.
 *
 * A text is registered only once it has been parsed and validated, within
 * every operation limit: a text that does not parse, does not validate or
 * exceeds a limit is never kept, so the store (Redis included) holds only
 * operations the gateway would run, each no longer than `maxQueryBytes`.
 * An answer from the response cache counts as validated: only answers to
 * valid operations are ever kept there.
 *
 * Order: before the response cache, which keys answers by the text this
 * plugin fills in; after the request limits, which bound the text first.
 */
export function persistedQueriesPlugin(options: PersistedQueriesOptions): GatewayPlugin {
  const { store } = options;
  /** Texts waiting for validation, by the request's context. */
  const pending = new WeakMap<object, { hash: string; query: string }>();
  const register = (context: object) => {
    const registration = pending.get(context);
    if (!registration) return;
    pending.delete(context);
    // The answer does not wait for the store: a lost registration costs the client one resend of the text.
    void Promise.resolve()
      .then(() => store.set(registration.hash, registration.query))
      .catch(() => undefined);
  };
  return {
    async onParams({ params, setParams, context }) {
      const persisted = persistedQueryOf(params.extensions);
      if (!persisted) return;
      if (params.query == null) {
        const query = await store.get(persisted.sha256Hash);
        if (query == null) {
          throw createGraphQLError('PersistedQueryNotFound', { extensions: { http: { status: 404 }, code: 'PERSISTED_QUERY_NOT_FOUND' } });
        }
        setParams({ ...params, query });
        return;
      }
      if (createHash('sha256').update(params.query).digest('hex') !== persisted.sha256Hash) {
        throw createGraphQLError('PersistedQueryMismatch', { extensions: { http: { status: 400 }, code: 'PERSISTED_QUERY_MISMATCH' } });
      }
      pending.set(context, { hash: persisted.sha256Hash, query: params.query });
    },
    onValidate({ context }) {
      if (!pending.has(context)) return;
      return ({ valid }) => {
        if (valid) register(context);
        else pending.delete(context);
      };
    },
    onExecutionResult({ result, context }) {
      // Reached without validation only when the response cache answered.
      if ('data' in (result as ExecutionResult) && (result as ExecutionResult).data != null) register(context);
    },
  };
}
