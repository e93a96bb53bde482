import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { Consumer } from '../../schema/consumer.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { Authenticator } from './authenticate.ts';
import { clientBucketOf, createClientAddress } from './clientAddress.ts';
import { createRateLimiter, type RateLimiter } from './createRateLimiter.ts';

/** What Wharf adds to the gateway context of every GraphQL request. */
export interface ConsumerContext {
  consumer: Consumer;
}

export interface IdentityPluginOptions {
  /** Counts requests per API key and per client, and failed authentications per client. @default in-process counters */
  rateLimiter?: RateLimiter;
  /**
   * Requests a minute for each signed-in subject, and for each client
   * address of anonymous requests. API keys carry their own limit in the
   * trusted registry, per client address. @default 600
   */
  clientRequestsPerMinute?: number;
  /**
   * Failed authentications (bad token or key) a minute from one client
   * address. Past it, every request from that address that carries a
   * credential is refused with 429 without the credential being checked,
   * until the minute ends; anonymous requests still pass. @default 20
   */
  authFailuresPerMinute?: number;
  /**
   * Addresses and CIDR ranges of the proxies in front of the gateway, whose
   * `X-Forwarded-For` names the client (see `createClientAddress`). Empty:
   * the client is the TCP peer and the header is ignored. @default []
   */
  trustedProxies?: readonly string[];
  /** The one path GraphQL is served on; the runtime executes nothing anywhere else. @default '/graphql' */
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

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Thrown if the runtime ever reaches an operation whose request identity did not see. */
const noIdentity = () =>
  new WharfError('UNAUTHENTICATED', 'No consumer was established for this request, so the gateway refuses it; call POST or GET /graphql.', { http: { status: 401 } });

/**
 * Establishes the consumer of every request the runtime is about to parse
 * as GraphQL: a bad token or key ends the request with 401 and
 * `UNAUTHENTICATED`; a request over its rate limit (per API key and client
 * address, per signed-in subject, per anonymous client address) ends with
 * 429 and `RATE_LIMITED`; a client address that has failed authentication
 * `authFailuresPerMinute` times gets 429 for every credential until the
 * minute ends, before the credential is checked. The consumer then rides in
 * the context to the catalogue and, signed, to the regions.
 *
 * GraphQL is served on `graphqlPath` only: the runtime would also execute
 * requests to `/graphql/`, `/x/graphql` or `/?q=/graphql`, so any other path
 * that reaches parsing is answered 404. Identity fails closed: an operation
 * whose request has no consumer (whatever route it came by) is refused
 * before it runs, and no context is built without one.
 */
export function identityPlugin(authenticator: Authenticator, options: IdentityPluginOptions = {}): GatewayPlugin<ConsumerContext> {
  const { rateLimiter = createRateLimiter(), clientRequestsPerMinute = 600, authFailuresPerMinute = 20, graphqlPath = '/graphql' } = options;
  const consumers = options.consumers ?? new WeakMap<Request, Consumer>();
  const clientAddressOf = createClientAddress(options.trustedProxies);

  /** The consumer of `request`, kept in `consumers`; or the response that refuses it. */
  async function establish(request: Request, serverContext: unknown, ResponseClass: typeof Response): Promise<Response | undefined> {
    const refuse = (status: number, error: WharfError, headers: Record<string, string>) =>
      new ResponseClass(JSON.stringify({ errors: [{ message: error.message, extensions: withoutHttp(error.extensions) }] }), {
        status,
        headers: { 'content-type': 'application/graphql-response+json; charset=utf-8', ...headers },
      });
    const client = clientBucketOf(clientAddressOf(request, serverContext));
    const failures = `authfail:${client}`;
    const tooManyFailures = (resetMs: number) =>
      refuse(
        429,
        new WharfError(
          'RATE_LIMITED',
          `This client address has failed authentication ${authFailuresPerMinute} times this minute, the most allowed; its credentials are refused unchecked for ${seconds(resetMs)} s.`,
          { limit: authFailuresPerMinute },
        ),
        { 'retry-after': String(seconds(resetMs)) },
      );
    if (request.headers.has('authorization') || request.headers.has('x-api-key')) {
      const blockedMs = rateLimiter.exhaustedFor(failures, authFailuresPerMinute);
      if (blockedMs !== undefined) return tooManyFailures(blockedMs);
    }
    let identity: Awaited<ReturnType<Authenticator['authenticate']>>;
    try {
      identity = await authenticator.authenticate(request.headers);
    } catch (error) {
      if (!(error instanceof WharfError)) throw error;
      const decision = await rateLimiter.hit(failures, authFailuresPerMinute);
      return decision.allowed ? refuse(401, error, { 'www-authenticate': 'Bearer' }) : tooManyFailures(decision.resetMs);
    }
    const { consumer, apiKey } = identity;
    // A portal key is in every page that embeds it: counted per client address, so no visitor can spend another's share.
    const [bucket, limit, who] = apiKey
      ? [`key:${apiKey.name}|${client}`, apiKey.rateLimitPerMinute, `API key "${apiKey.name}" from one client address`]
      : consumer.authenticated
        ? [`sub:${consumer.subject}`, clientRequestsPerMinute, `Subject "${consumer.subject}"`]
        : [`ip:${client}`, clientRequestsPerMinute, 'An anonymous client'];
    const decision = await rateLimiter.hit(bucket, limit);
    if (!decision.allowed) {
      const message = `${who} may make ${limit} requests a minute; this is request ${decision.count}. Wait ${seconds(decision.resetMs)} s.`;
      return refuse(429, new WharfError('RATE_LIMITED', message, { limit }), { 'retry-after': String(seconds(decision.resetMs)) });
    }
    consumers.set(request, consumer);
    return undefined;
  }

  return {
    // After every `onRequest` (other paths are answered there) and before the body is parsed.
    onRequestParse({ request, url, serverContext, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlPath) {
        return endResponse(
          new fetchAPI.Response(`Not found: GraphQL is served at ${graphqlPath} only, not at ${url.pathname.slice(0, 200)}.\n`, {
            status: 404,
            headers: { 'content-type': 'text/plain; charset=utf-8' },
          }),
        );
      }
      return establish(request, serverContext, fetchAPI.Response).then((refusal) => {
        if (refusal) endResponse(refusal);
      });
    },
    // Before the APQ store, the response cache and execution, for each operation of a batch.
    onParams({ request }) {
      if (!consumers.has(request)) throw noIdentity();
    },
    onContextBuilding({ context, extendContext }) {
      const consumer = consumers.get((context as { request: Request }).request);
      if (!consumer) throw noIdentity();
      extendContext({ consumer });
    },
  };
}
