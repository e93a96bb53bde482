import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

export interface PersistedGetCacheOptions {
  /** How long browsers and shared caches may reuse an answer, in seconds; 0 sends no caching headers. @default 30 */
  maxAgeSeconds?: number;
  /** @default '/graphql' */
  graphqlPath?: string;
}

/**
 * Makes a persisted query's GET answer cacheable by browsers, CDNs and proxies
 * (`Cache-Control: public, max-age=N`) when caching it cannot leak a decision:
 *
 * - only a `GET` carrying `extensions.persistedQuery` (the URL is the whole request);
 * - never with an `Authorization` header: a signed-in consumer's answers are theirs alone;
 * - keyed by `Vary: x-api-key, authorization, origin, accept`, so an answer
 *   made for anonymous callers is reused only for anonymous callers and one
 *   for a portal key only for that key — the same consumer, the same decisions;
 * - only a clean `200`: an answer with any error (a region down, a refusal) is not stored.
 *
 * Harvested changes reach a cached answer after at most `maxAgeSeconds`.
 */
export function persistedGetCachePlugin(options: PersistedGetCacheOptions = {}): GatewayPlugin {
  const { maxAgeSeconds = 30, graphqlPath = '/graphql' } = options;
  const withErrors = new WeakSet<Request>();
  return {
    onResultProcess({ request, result }) {
      const results = Array.isArray(result) ? result : [result];
      if (results.some((item) => !item || typeof item !== 'object' || !('data' in item || 'errors' in item) || (item as { errors?: unknown[] }).errors?.length)) withErrors.add(request);
    },
    onResponse({ request, response }) {
      if (maxAgeSeconds <= 0 || request.method !== 'GET' || response.status !== 200) return;
      const url = new URL(request.url);
      if (url.pathname !== graphqlPath || !url.searchParams.get('extensions')?.includes('persistedQuery')) return;
      if (request.headers.get('authorization') || withErrors.has(request)) {
        response.headers.set('cache-control', 'private, no-store');
        return;
      }
      response.headers.set('cache-control', `public, max-age=${maxAgeSeconds}`);
      response.headers.append('vary', 'x-api-key, authorization, origin, accept');
    },
  };
}
