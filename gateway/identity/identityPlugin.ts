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
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlPath) return;
      return authenticator.authenticate(request.headers).then(
        ({ consumer }) => {
          consumers.set(request, consumer);
        },
        (error: unknown) => {
          if (!(error instanceof WharfError)) throw error;
          const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] });
          endResponse(new fetchAPI.Response(body, { status: 401, headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', 'www-authenticate': 'Bearer' } }));
        },
      );
    },
    onContextBuilding({ context, extendContext }) {
      const consumer = consumers.get((context as { request: Request }).request);
      if (consumer) extendContext({ consumer });
    },
  };
}
