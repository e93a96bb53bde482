import type { PersistedOperation } from './searchOperations.ts';

/** A GraphQL response as the gateway sends it. */
export interface GraphQLResponse<TData = unknown> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

export interface PersistedClientOptions {
  /** The gateway's GraphQL endpoint (absolute URL). */
  endpoint: string;
  /** Extra headers on every request (`x-api-key`). */
  headers?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** The request failed as a whole: no `data` came back. */
export class PersistedQueryError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PersistedQueryError';
  }
}

const accept = 'application/graphql-response+json, application/json';

function isNotFound(body: GraphQLResponse): boolean {
  return body.errors?.some((error) => error.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND' || error.message === 'PersistedQueryNotFound') ?? false;
}

async function readBody(response: Response): Promise<GraphQLResponse> {
  try {
    return (await response.json()) as GraphQLResponse;
  } catch {
    throw new PersistedQueryError(`The gateway answered ${response.status} without a GraphQL body.`, response.status, undefined);
  }
}

/**
 * Automatic persisted queries, as Apollo's protocol has them: the operation
 * goes as its hash in a GET (`extensions.persistedQuery { version: 1,
 * sha256Hash }`), which caches and CDNs can keep; when the gateway does not
 * know the hash (`PERSISTED_QUERY_NOT_FOUND`) the full text is POSTed once,
 * which registers it, and later GETs hit.
 */
export function createPersistedClient(options: PersistedClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = { accept, ...options.headers };
  return {
    async request<TData>(operation: PersistedOperation, variables: Record<string, unknown>, signal?: AbortSignal): Promise<GraphQLResponse<TData>> {
      const extensions = { persistedQuery: { version: 1, sha256Hash: operation.sha256Hash } };
      const url = new URL(options.endpoint);
      url.searchParams.set('operationName', operation.name);
      url.searchParams.set('variables', JSON.stringify(variables));
      url.searchParams.set('extensions', JSON.stringify(extensions));
      let response = await fetchImpl(url, { method: 'GET', headers, ...(signal ? { signal } : {}) });
      let body = await readBody(response);
      if (isNotFound(body)) {
        response = await fetchImpl(options.endpoint, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ operationName: operation.name, query: operation.query, variables, extensions }),
          ...(signal ? { signal } : {}),
        });
        body = await readBody(response);
      }
      if (body.data == null) {
        const first = body.errors?.[0];
        throw new PersistedQueryError(first?.message ?? `The gateway answered ${response.status}.`, response.status, first?.extensions?.code);
      }
      return body as GraphQLResponse<TData>;
    },
  };
}

export type PersistedClient = ReturnType<typeof createPersistedClient>;
