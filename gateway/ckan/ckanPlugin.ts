import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { graphqlAsCaller, type CallerGraphqlResult, type GatewayGraphql } from '../graphqlAsCaller.ts';
import { createSearchOffsets, type SearchOffsets } from '../searchOffsets.ts';
import { ckanActions } from './ckanActions.ts';
import type { CkanContext } from './ckanContext.ts';
import { ckanCredentials } from './ckanCredentials.ts';
import { CkanBadRequest, CkanError } from './ckanErrors.ts';
import { readCkanParams } from './readCkanParams.ts';

/** The paths CKAN serves its Action API v3 at, with and without the version. */
const actionPath = /^\/api(?:\/3)?\/action\/([^/]*)$/;
/** CKAN's `GET /api/3`, which names the API version. */
const versionPath = /^\/api(?:\/3)?\/?$/;

export interface CkanPluginOptions {
  /** The gateway's own GraphQL execution (the runtime's `fetch`): every action that reads the catalogue runs through it as the caller. */
  graphql: GatewayGraphql;
  /** See `PortalOptions.publicOrigin`: the origin `help` links and `status_show` name. */
  publicOrigin: string | (() => string);
  /** The codes of the regions the gateway routes (a dataset asked by name may be in any of them). */
  regionCodes(): readonly string[];
  /** The catalogue's content and policy versions (see `SearchOffsetsOptions.version`). */
  catalogueVersion(): string;
  /** Cursors by offset, for `start`; shared with the DCAT catalogue's pages. @default one of its own */
  offsets?: SearchOffsets;
}

const headers = {
  'content-type': 'application/json;charset=utf-8',
  // Answers depend on the caller's credentials: never shared between them.
  'cache-control': 'private, no-cache',
  vary: 'authorization, x-ckan-api-key, x-api-key',
  'x-content-type-options': 'nosniff',
};

/** The CKAN parameter a catalogue argument comes from, for a Validation Error naming it. */
const paramOf: Record<string, string> = { query: 'q', filter: 'fq', first: 'rows', after: 'start', facetLimit: 'facet.limit', ids: 'id' };

/** The least operation there is: run only to have the gateway's identity step check a credential. */
const identityCheck = /* GraphQL */ `query WharfCkanIdentity { __typename }`;

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** A refused GraphQL call as the CKAN error its caller gets. */
function refusal(result: CallerGraphqlResult<unknown>): CkanError {
  const [error] = result.errors;
  const message = error?.message ?? `The catalogue answered ${result.status}.`;
  const code = error?.extensions?.code;
  // 401 (CKAN answers its Authorization Error with 403): every gateway endpoint refuses a failed credential alike; clients read the type.
  if (result.status === 401 || code === 'UNAUTHENTICATED') return new CkanError(401, { __type: 'Authorization Error', message: `Access denied: ${message}` }, { 'www-authenticate': 'Bearer' });
  if (result.status === 429 || code === 'RATE_LIMITED') return new CkanError(429, { __type: 'Rate Limit Error', message }, result.retryAfter ? { 'retry-after': result.retryAfter } : {});
  if (code === 'BAD_USER_INPUT') {
    const argument = typeof error?.extensions?.argumentName === 'string' ? error.extensions.argumentName : '';
    return new CkanError(409, { __type: 'Validation Error', [paramOf[argument] ?? 'message']: [message] });
  }
  if (code === 'LIMIT_EXCEEDED') return new CkanError(409, { __type: 'Search Error', message: `Search error: ${message}` });
  return new CkanError(500, { __type: 'Internal Server Error', message: 'Internal Server Error' });
}

/**
 * CKAN's Action API v3, read-only, at `/api/3/action/<name>` (and
 * `/api/action/<name>`), GET or POST, answered as CKAN 2.10/2.11 answers:
 * `{ help, success, result }`, or `{ help, success: false, error }` with
 * CKAN's error types and statuses; an unknown action is CKAN's
 * `"Bad request - Action name not known: …"` (400). The actions are in
 * `ckanActions.ts`. Each one that reads the catalogue runs its GraphQL
 * through the gateway as the caller (`X-CKAN-API-Key` or `Authorization`,
 * see `ckanCredentials`), so identity, rate limits and discoverability are
 * the gateway's own; `status_show` and `help_show` need no credential.
 */
export function ckanPlugin(options: CkanPluginOptions): GatewayPlugin {
  const offsets = options.offsets ?? createSearchOffsets({ version: options.catalogueVersion });
  const publicOrigin = () => (typeof options.publicOrigin === 'string' ? options.publicOrigin : options.publicOrigin());

  async function serve(request: Request, url: URL, serverContext: object, name: string, ResponseClass: typeof Response): Promise<Response> {
    const respond = (status: number, body: unknown, extra: Record<string, string> = {}) => new ResponseClass(JSON.stringify(body), { status, headers: { ...headers, ...extra } });
    if (request.method !== 'GET' && request.method !== 'POST') return respond(405, `Bad request - Use GET or POST for ${url.pathname.slice(0, 200)}`, { allow: 'GET, POST' });
    const entry = /^[a-z_]{1,64}$/.test(name) && Object.hasOwn(ckanActions, name) ? ckanActions[name]! : undefined;
    if (!entry) return respond(400, `Bad request - Action name not known: ${safeDecode(name).slice(0, 100)}`);
    const help = `${publicOrigin()}/api/3/action/help_show?name=${name}`;
    try {
      const credentials = ckanCredentials(request.headers);
      const context: CkanContext = {
        params: await readCkanParams(request, url),
        credentials,
        offsets,
        regionCodes: options.regionCodes,
        publicOrigin,
        async graphql<T>(query: string, variables: Record<string, unknown> = {}) {
          const result = await graphqlAsCaller<T>(options.graphql, request, serverContext, credentials, query, variables);
          if (result.status >= 400 || result.data === null) throw refusal(result);
          return { data: result.data, errors: result.errors };
        },
      };
      // An action that reads nothing of the catalogue still refuses a credential the gateway does not accept, as every endpoint does.
      if (!entry.asCaller && Object.keys(credentials).length > 0) await context.graphql(identityCheck);
      const result = await entry.run(context);
      return respond(200, { help, success: true, result });
    } catch (error) {
      if (error instanceof CkanBadRequest) return respond(400, error.message);
      if (error instanceof CkanError) return respond(error.status, { help, success: false, error: error.error }, error.headers);
      console.error(JSON.stringify({ level: 'error', msg: 'CKAN action failed', action: name, error: String(error) }));
      return respond(500, { help, success: false, error: { __type: 'Internal Server Error', message: 'Internal Server Error' } });
    }
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      const action = actionPath.exec(url.pathname);
      if (action) return serve(request, url, serverContext, action[1]!, fetchAPI.Response).then(endResponse);
      if (versionPath.test(url.pathname) && request.method === 'GET') {
        endResponse(new fetchAPI.Response(JSON.stringify({ version: 3 }), { status: 200, headers: { 'content-type': 'application/json;charset=utf-8' } }));
      }
    },
  };
}
