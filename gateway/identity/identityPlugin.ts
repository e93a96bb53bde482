import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Consumer } from '../../schema/consumer.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { Authenticator } from './authenticate.ts';

/** What Wharf adds to the gateway context of every GraphQL request. */
export interface ConsumerContext {
  consumer: Consumer;
}

/**
 * Establishes the consumer of every GraphQL request before it is parsed: a
 * bad token or key ends the request with 401 and `UNAUTHENTICATED`; the
 * consumer then rides in the context to the catalogue and, signed, to the
 * regions.
 */
export function identityPlugin(authenticator: Authenticator, graphqlPath = '/graphql'): GatewayPlugin<ConsumerContext> {
  const consumers = new WeakMap<Request, Consumer>();
  /** Requests per API key in the current minute (in-process; shared counters come with the Redis limits). */
  const windows = new Map<string, { minute: number; count: number }>();
  const overLimit = (name: string, perMinute: number): boolean => {
    const minute = Math.floor(Date.now() / 60_000);
    const window = windows.get(name);
    if (!window || window.minute !== minute) {
      windows.set(name, { minute, count: 1 });
      return false;
    }
    window.count += 1;
    return window.count > perMinute;
  };
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlPath) return;
      const refuse = (status: number, error: WharfError, headers: Record<string, string>) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] }), {
            status,
            headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', ...headers },
          }),
        );
      return authenticator.authenticate(request.headers).then(
        ({ consumer, apiKey }) => {
          if (apiKey && overLimit(apiKey.name, apiKey.rateLimitPerMinute)) {
            const limit = `API key "${apiKey.name}" may make ${apiKey.rateLimitPerMinute} requests a minute; wait for the next minute.`;
            return refuse(429, new WharfError('RATE_LIMITED', limit, { limit: apiKey.rateLimitPerMinute }), { 'retry-after': String(60 - (Math.floor(Date.now() / 1000) % 60)) });
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
