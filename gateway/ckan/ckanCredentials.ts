import type { CallerCredentials } from '../graphqlAsCaller.ts';

/** A JWS in compact form (`header.payload.signature`): what Wharf's bearer tokens are. */
const compactJws = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** `Scheme credentials`, as an Authorization header with a scheme reads. */
const withScheme = /^[A-Za-z][A-Za-z0-9._~+/-]*\s+\S/;

/** A credential CKAN clients send bare: a bearer token when it has a token's form, else an API key. */
const bare = (value: string): CallerCredentials => (compactJws.test(value) ? { authorization: `Bearer ${value}` } : { 'x-api-key': value });

/**
 * The credentials of a CKAN API request, in the form `/graphql` takes them.
 * CKAN clients (ckanapi, ckanr, ckanext-harvest) send an API key or token
 * bare, in `Authorization` or in `X-CKAN-API-Key`, CKAN's header for it;
 * Wharf's bearer tokens are JWTs and its API keys are not, so the form says
 * which it is. `Authorization: Bearer …` (or any other scheme) is passed on
 * as it is, and `X-Api-Key` too. As in CKAN, `Authorization` comes first.
 * A credential the gateway does not accept is refused by its identity step,
 * never taken as anonymous.
 */
export function ckanCredentials(headers: Headers): CallerCredentials {
  const authorization = headers.get('authorization')?.trim();
  if (authorization) return withScheme.test(authorization) ? { authorization } : bare(authorization);
  const ckanKey = headers.get('x-ckan-api-key')?.trim();
  if (ckanKey) return bare(ckanKey);
  const apiKey = headers.get('x-api-key')?.trim();
  return apiKey ? { 'x-api-key': apiKey } : {};
}
