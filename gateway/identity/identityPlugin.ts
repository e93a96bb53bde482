import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Consumer } from '../../schema/consumer.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { Authenticator } from './authenticate.ts';
import { createRateLimiter, type RateLimiter } from './createRateLimiter.ts';

/** What Wharf adds to the gateway context of every GraphQL request. */
export interface ConsumerContext {
  consumer: Consumer;
}

export interface IdentityPluginOptions {
  /** Counts requests per API key and per client. @default in-process counters */
  rateLimiter?: RateLimiter;
  /**
   * Requests a minute for each signed-in subject, and for each client
   * address of anonymous requests. API keys carry their own limit in the
   * trusted registry. @default 600
   */
  clientRequestsPerMinute?: number;
  /** @default '/graphql' */
  graphqlPath?: string;
  /**
   * Where the consumer of each request is kept, for plugins that need it
   * before the context is built (the response cache's session). @default a
   * map of the plugin's own
   */
  consumers?: WeakMap<Request, Consumer>;
}

/** Error extensions as a client sees them: the HTTP status is the response's, not a field. */
function withoutHttp(extensions: Record<string, unknown>): Record<string, unknown> {
  const { http: _http, ...rest } = extensions;
  return rest;
}

/** The address a request came from, as the HTTP server saw it. */
function clientAddress(serverContext: unknown): string {
  const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
  return socket?.remoteAddress ?? 'unknown';
}

/**
 * Establishes the consumer of every GraphQL request before it is parsed: a
 * bad token or key ends the request with 401 and `UNAUTHENTICATED`; a
 * request over its rate limit (per API key, per signed-in subject, per
 * anonymous client address) ends with 429 and `RATE_LIMITED`. The consumer
 * then rides in the context to the catalogue and, signed, to the regions.
 */
export function identityPlugin(authenticator: Authenticator, options: IdentityPluginOptions = {}): GatewayPlugin<ConsumerContext> {
  const { rateLimiter = createRateLimiter(), clientRequestsPerMinute = 600, graphqlPath = '/graphql' } = options;
  const consumers = options.consumers ?? new WeakMap<Request, Consumer>();
  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (url.pathname !== graphqlPath) return;
      const refuse = (status: number, error: WharfError, headers: Record<string, string>) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions: withoutHttp(error.extensions) }] }), {
            status,
            headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', ...headers },
          }),
        );
      return authenticator.authenticate(request.headers).then(
        async ({ consumer, apiKey }) => {
          const [bucket, limit, who] = apiKey
            ? [`key:${apiKey.name}`, apiKey.rateLimitPerMinute, `API key "${apiKey.name}"`]
            : consumer.authenticated
              ? [`sub:${consumer.subject}`, clientRequestsPerMinute, `Subject "${consumer.subject}"`]
              : [`ip:${clientAddress(serverContext)}`, clientRequestsPerMinute, 'An anonymous client'];
          const decision = await rateLimiter.hit(bucket, limit);
          if (!decision.allowed) {
            const message = `${who} may make ${limit} requests a minute; this is request ${decision.count}. Wait ${Math.ceil(decision.resetMs / 1000)} s.`;
            return refuse(429, new WharfError('RATE_LIMITED', message, { limit }), { 'retry-after': String(Math.max(1, Math.ceil(decision.resetMs / 1000))) });
          }
          consumers.set(request, consumer);
        },
        (error: unknown) => {
          if (!(error instanceof WharfError)) throw error;
          refuse(401, error, { 'www-authenticate': 'Bearer' });
        },
      );
    },
    onContextBuilding({ context, extendContext }) {
      const consumer = consumers.get((context as { request: Request }).request);
      if (consumer) extendContext({ consumer });
    },
  };
}
