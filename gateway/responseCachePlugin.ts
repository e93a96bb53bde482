import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { hashSHA256, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { ExecutionResult } from 'graphql';
import { anonymousConsumer, policyFingerprint, type Consumer } from '../schema/consumer.ts';
import type { TieredCache } from '../subgraphs/shared/cache/createTieredCache.ts';

export interface ResponseCacheOptions {
  cache: TieredCache;
  /**
   * Everything a whole answer depends on besides the operation and the
   * consumer: the catalogue's content version (every harvested dataset and
   * revision) and every region's policy version. A harvested change or a new
   * policy makes new keys, so an answer from before is never served again.
   */
  versions(): string;
  /**
   * The consumer of a request, as the identity plugin established it. The
   * session is computed before the GraphQL context is built, so it is read
   * from the request, not the context.
   */
  consumerOf(request: Request): Consumer | undefined;
  /**
   * Longest life of an answer, in milliseconds: the shortest `maxAge` the
   * contract gives region-owned fields (access decisions, distributions).
   * @default 60000
   */
  ttlMs?: number;
}

/**
 * Whole GraphQL answers per (operation, variables, consumer policy
 * fingerprint, versions), in the two-tier cache. The session is the policy
 * fingerprint, never the subject: consumers whose decisions are the same
 * share answers, and no answer reaches a consumer whose decisions differ.
 * Answers with errors are never kept (a region that was down, a refusal).
 *
 * Envelop's cache interface invalidates by entity; Wharf has no mutations
 * and versions its keys instead, so invalidation has nothing to do.
 */
export function responseCachePlugin(options: ResponseCacheOptions): GatewayPlugin {
  const { cache, versions, consumerOf, ttlMs = 60_000 } = options;
  const store: Cache = {
    async get(key) {
      const text = await cache.get(key);
      return text === undefined ? undefined : (JSON.parse(text) as ExecutionResult<Record<string, unknown>>);
    },
    set(key, result, _entities, ttl) {
      cache.set(key, JSON.stringify(result), Math.min(ttl, ttlMs));
    },
    invalidate() {},
  };
  return useResponseCache({
    cache: store,
    ttl: ttlMs,
    session: (request) => policyFingerprint(consumerOf(request) ?? anonymousConsumer),
    // Introspection and the like are cheap and change with the supergraph; search, datasets and lineage are what repeat.
    ignoredTypes: ['__Schema', '__Type'],
    buildResponseCacheKey: ({ documentString, variableValues, operationName, sessionId }) =>
      hashSHA256([documentString, operationName ?? '', JSON.stringify(variableValues ?? {}), sessionId ?? '', versions()].join('\u0000')),
  }) as unknown as GatewayPlugin;
}
