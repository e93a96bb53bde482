import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

export interface SecurityHeadersOptions {
  /** The policy of the GraphiQL page (see `createGraphiqlPage`). */
  graphiqlPolicy(): string;
  /** @default '/graphql' */
  graphqlPath?: string;
}

/** For HTML that sets no policy of its own: nothing may load, run, frame it or be framed. */
const strictPolicy = "default-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Security headers on every HTML response the gateway sends, whichever
 * plugin made it, each set only when the response has none of its own (the
 * catalogue pages set their own policy and allow framing by themselves):
 *
 * - `Content-Security-Policy`: GraphiQL's (scripts, styles and workers from
 *   this origin only, no CDN) on the GraphiQL page, else a policy that
 *   allows nothing;
 * - `X-Content-Type-Options: nosniff`;
 * - `X-Frame-Options: DENY`, for browsers without `frame-ancestors`;
 * - `Referrer-Policy: no-referrer`: page URLs carry dataset ids and purposes.
 */
export function securityHeadersPlugin(options: SecurityHeadersOptions): GatewayPlugin {
  const { graphqlPath = '/graphql' } = options;
  /** The requests graphql-yoga answers with GraphiQL: a browser's GET of the GraphQL endpoint. */
  const asksForGraphiql = (request: Request) => {
    if (request.method !== 'GET' || !request.headers.get('accept')?.includes('text/html')) return false;
    const { pathname } = new URL(request.url);
    return pathname === graphqlPath || pathname === `${graphqlPath}/` || pathname.endsWith(graphqlPath);
  };
  return {
    onResponse({ request, response }) {
      if (!/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) return;
      const set = (name: string, value: () => string) => {
        if (!response.headers.has(name)) response.headers.set(name, value());
      };
      set('content-security-policy', () => (asksForGraphiql(request) ? options.graphiqlPolicy() : strictPolicy));
      set('x-content-type-options', () => 'nosniff');
      set('x-frame-options', () => 'DENY');
      set('referrer-policy', () => 'no-referrer');
    },
  };
}
