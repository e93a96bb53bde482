/**
 * Runs a GraphQL request through the gateway itself (the runtime's own
 * `fetch`), so identity, rate limits, operation limits, discoverability and
 * every region's policies apply exactly as to the same client calling
 * `/graphql`. `serverContext` is the incoming request's, so each operation
 * counts against that client's own bucket.
 */
export type GatewayGraphql = (request: Request, serverContext: object) => Promise<Response>;

/** A GraphQL error as the gateway answers it. */
export interface CallerGraphqlError {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

/** What one operation answered: its HTTP status and body, and the `Retry-After` of a refusal. */
export interface CallerGraphqlResult<T> {
  status: number;
  data: T | null;
  errors: CallerGraphqlError[];
  retryAfter: string | null;
}

/** The credentials a caller presents to `/graphql`, in the headers the gateway's identity step reads. */
export interface CallerCredentials {
  authorization?: string;
  'x-api-key'?: string;
}

/**
 * Runs `query` with `variables` as the caller of `request`: its credentials
 * (`credentials`, already in the form `/graphql` takes) and its client
 * address (the server context, and `X-Forwarded-For`, which the identity
 * step believes only from trusted proxies).
 */
export async function graphqlAsCaller<T>(
  graphql: GatewayGraphql,
  request: Request,
  serverContext: object,
  credentials: CallerCredentials,
  query: string,
  variables: Record<string, unknown>,
): Promise<CallerGraphqlResult<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
  for (const [name, value] of Object.entries(credentials)) if (value) headers[name] = value;
  const forwardedFor = request.headers.get('x-forwarded-for');
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const response = await graphql(new Request(new URL('/graphql', request.url), { method: 'POST', headers, body: JSON.stringify({ query, variables }) }), serverContext);
  const body = (await response.json().catch(() => ({}))) as { data?: T | null; errors?: CallerGraphqlError[] };
  return { status: response.status, data: body.data ?? null, errors: body.errors ?? [], retryAfter: response.headers.get('retry-after') };
}

/** The credentials of `request` as sent to `/graphql`: its own `Authorization` and `X-Api-Key`. */
export function ownCredentials(request: Request): CallerCredentials {
  const authorization = request.headers.get('authorization');
  const apiKey = request.headers.get('x-api-key');
  return { ...(authorization ? { authorization } : {}), ...(apiKey ? { 'x-api-key': apiKey } : {}) };
}
