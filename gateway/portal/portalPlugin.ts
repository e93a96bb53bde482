import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import { Kind, parse, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { datasetPageQuery, datasetPageQueryFor, lineageDepth, renderDatasetPage, type DatasetPageOptions } from './datasetPage.ts';
import { buildEmbedBundle, searchOperationHashes, type EmbedBundle } from './embedBundle.ts';
import type { GraphiqlPage } from './graphiqlPage.ts';
import { homeOpenCandidates, homePageQuery, homeRecentCount, renderHomePage } from './homePage.ts';
import { catalogueLayout } from './catalogueLayout.ts';
import { html } from './html.ts';
import type { UiLanguage } from './messages.ts';
import { pageMessagesFor } from './pageMessages.ts';
import { searchOperations, type SearchOperationName } from './searchOperations.ts';
import { emptySearchState, readSearchState, writeSearchState } from './searchState.ts';
import type { Authenticator } from '../identity/authenticate.ts';
import type { WharfDatasetPageQuery, WharfDatasetPageQueryVariables, WharfHomePageQuery, WharfHomePageQueryVariables } from '../generated/operations.ts';

/** Where the gateway serves the search component. Stable: portals link to it. */
export const embedPath = '/embed/wharf-search.js';
/** Where the gateway serves the component's Subresource Integrity value (`sha384-…`), as text. */
export const embedIntegrityPath = `${embedPath}.sri`;
/** Static assets any origin may load (`Access-Control-Allow-Origin: *`), whatever `WHARF_CORS_ORIGINS` allows for the API. */
export const publicAssetPaths: ReadonlySet<string> = new Set([embedPath, embedIntegrityPath]);
/** Dataset pages live at `/datasets/<id>` (the id URL-encoded or as is). */
export const datasetPathPrefix = '/datasets/';

/** The names of the operations the pages and the component send (metrics report them by name). */
export const portalOperationNames: readonly string[] = [homePageQuery, datasetPageQuery, ...Object.values(searchOperations)].map((text) => /^query (\w+)/.exec(text)![1]!);

export interface PortalOptions {
  /**
   * Runs a GraphQL request through the gateway itself (the runtime's own
   * `fetch`), so identity, limits and every region's policies apply to a page
   * exactly as to any client with the same credentials. `serverContext` is
   * the page request's, so the call counts against that client's own bucket.
   */
  graphql(request: Request, serverContext: object): Promise<Response>;
  /** The supergraph served: the dataset page asks for `Dataset.quality` only when it has one. */
  supergraphSdl: string;
  /** The APQ store: the component's operations are registered in it at start, so portals' hashed GETs hit from the first. */
  apqStore: APQStore;
  /** Names the consumer a page's decision is for (the gateway's own authenticator). */
  authenticator: Authenticator;
  /**
   * The origin pages name themselves by (`https://data.example.org`): the
   * canonical link and the JSON-LD ids. Never taken from the request, whose
   * `Host` header the client chooses. A function when it is known only once
   * the server listens.
   */
  publicOrigin: string | (() => string);
  /** How long browsers and caches may keep the script before revalidating (by ETag), in seconds. @default 600 */
  embedMaxAgeSeconds?: number;
  /** GraphiQL's files (`/assets/graphiql/…`), served from the installed package. */
  graphiql?: GraphiqlPage;
}

type ObjectNode = ObjectTypeDefinitionNode | ObjectTypeExtensionNode;

/** Whether the supergraph has `Dataset.quality` with `score`, `maxScore` and `band`. */
export function supergraphHasQuality(sdl: string): boolean {
  const objects = parse(sdl).definitions.filter((node): node is ObjectNode => node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_EXTENSION);
  const fieldsOf = (name: string) => new Map(objects.filter((node) => node.name.value === name).flatMap((node) => node.fields ?? []).map((field) => [field.name.value, field]));
  const quality = fieldsOf('Dataset').get('quality');
  if (!quality) return false;
  let type = quality.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  const fields = fieldsOf(type.name.value);
  return ['score', 'maxScore', 'band'].every((name) => fields.has(name));
}

const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  // Pages show the consumer's own access decision: never shared between credentials.
  'cache-control': 'private, no-cache',
  vary: 'authorization, x-api-key, accept-language',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'",
  'x-frame-options': 'SAMEORIGIN',
  // Page URLs carry dataset ids and purposes: links out do not pass them on.
  'referrer-policy': 'no-referrer',
};

/**
 * The gateway's human face and the portal embed, on its own server:
 *
 * - `GET /embed/wharf-search.js` — the `<wharf-search>` component, bundled
 *   with esbuild when the gateway starts; ETag revalidation (304), gzip when
 *   accepted.
 * - `GET /` — the catalogue page: the search component with facets, and the
 *   regions harvested.
 * - `GET /datasets/<id>` — a dataset's page, server-rendered: metadata,
 *   distributions, the access decision with its reasons and obligations for
 *   the request's own credentials (bearer token or API key), quality, the
 *   lineage picture, schema.org JSON-LD.
 * - `GET /assets/graphiql/…` — GraphiQL's files, from the installed package.
 * - Any other path the gateway does not serve: 404, a page for a browser
 *   (`Accept: text/html`), `NOT_FOUND` as JSON for any other client.
 *
 * Page data comes from the gateway's own GraphQL execution, never around it.
 */
export function portalPlugin(options: PortalOptions): GatewayPlugin {
  const maxAge = options.embedMaxAgeSeconds ?? 600;
  const withQuality = supergraphHasQuality(options.supergraphSdl);
  const datasetPageOperation = datasetPageQueryFor(withQuality);
  const bundle: Promise<EmbedBundle> = buildEmbedBundle();
  // A failed build surfaces on the first request for the script, not as an unhandled rejection.
  bundle.catch(() => undefined);
  for (const [name, query] of Object.entries(searchOperations)) {
    void Promise.resolve()
      .then(() => options.apqStore.set(searchOperationHashes[name as SearchOperationName], query))
      .catch(() => undefined);
  }

  async function serveEmbed(request: Request, ResponseClass: typeof Response): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new ResponseClass(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    const { code, gzip, etag } = await bundle;
    const headers: Record<string, string> = {
      etag,
      'cache-control': `public, max-age=${maxAge}, stale-while-revalidate=86400`,
      vary: 'accept-encoding',
      // Portals that isolate themselves (COEP) may still load it.
      'cross-origin-resource-policy': 'cross-origin',
      // A module script, or one with `integrity`, is fetched in CORS mode: any page may load it, without credentials.
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    };
    const tags = request.headers.get('if-none-match')?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (tags?.includes(etag) || tags?.includes('*')) return new ResponseClass(null, { status: 304, headers });
    const gzipped = /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    const body = gzipped ? gzip : code;
    headers['content-type'] = 'text/javascript; charset=utf-8';
    headers['content-length'] = String(body.byteLength);
    if (gzipped) headers['content-encoding'] = 'gzip';
    return new ResponseClass(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers });
  }

  /** The component's integrity value, for portals pinning the script with `integrity`. */
  async function serveIntegrity(request: Request, ResponseClass: typeof Response): Promise<Response> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new ResponseClass(null, { status: 405, headers: { allow: 'GET, HEAD' } });
    const { integrity, etag } = await bundle;
    const headers = {
      'content-type': 'text/plain; charset=utf-8',
      etag,
      'cache-control': `public, max-age=${maxAge}`,
      'access-control-allow-origin': '*',
      'x-content-type-options': 'nosniff',
    };
    return new ResponseClass(request.method === 'HEAD' ? null : `${integrity}\n`, { status: 200, headers });
  }

  /**
   * Runs `query` through the gateway with the page request's credentials and
   * client address (its server context, and `X-Forwarded-For` for trusted proxies).
   */
  /** Runs a page's operation as the visitor; `Data` is its answer's generated type. */
  async function execute<Data, Variables>(request: Request, serverContext: object, url: URL, query: string, variables: Variables) {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    for (const name of ['authorization', 'x-api-key', 'x-forwarded-for']) {
      const value = request.headers.get(name);
      if (value) headers[name] = value;
    }
    const response = await options.graphql(new Request(new URL('/graphql', url), { method: 'POST', headers, body: JSON.stringify({ query, variables }) }), serverContext);
    const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: DatasetPageOptions['errors'] };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), data: (body.data ?? null) as Data | null, errors: body.errors ?? [] };
  }

  /** Who the page's decision is for, as the gateway's identity step sees the request; undefined for anonymous. */
  async function consumerOf(request: Request): Promise<string | undefined> {
    if (!request.headers.get('authorization') && !request.headers.get('x-api-key')) return undefined;
    const { consumer, apiKey } = await options.authenticator.authenticate(request.headers).catch(() => ({ consumer: undefined, apiKey: undefined }));
    if (!consumer) return undefined;
    if (apiKey) return `${consumer.subject} (public scope)`;
    const about = [consumer.org, consumer.jurisdiction, consumer.roles.length ? `roles: ${consumer.roles.join(', ')}` : ''].filter(Boolean).join(' · ');
    return about ? `${consumer.subject} — ${about}` : consumer.subject;
  }

  function languageOf(request: Request, url: URL): string | undefined {
    return url.searchParams.get('lang') ?? request.headers.get('accept-language')?.split(',')[0]?.trim();
  }

  function hrefWithLang(url: URL) {
    return (lang: UiLanguage) => {
      const target = new URL(url.pathname + url.search, url);
      target.searchParams.set('lang', lang);
      return `${target.pathname}${target.search}`;
    };
  }

  function page(ResponseClass: typeof Response, status: number, body: string, retryAfter?: string | null): Response {
    // A fresh object each time: the fetch API implementation may add content-length to the one it is given.
    return new ResponseClass(body, { status, headers: { ...pageHeaders, ...(retryAfter ? { 'retry-after': retryAfter } : {}) } });
  }

  function errorPage(ResponseClass: typeof Response, status: number, strings: ReturnType<typeof pageMessagesFor>, url: URL, message: string, retryAfter?: string | null): Response {
    const body = catalogueLayout({
      lang: strings.lang,
      title: `${status} — ${strings.page.catalogue}`,
      catalogue: strings.page.catalogue,
      labels: strings.page,
      languageHref: hrefWithLang(url),
      body: html`<section role="alert"><h1>${status}</h1><p>${message}</p><p><a href="/?lang=${strings.lang}">${strings.page.home}</a></p></section>`,
    });
    return page(ResponseClass, status, body.value, retryAfter);
  }

  /** The catalogue page searching for `param=value`, in the page's language. */
  const searchHrefFor = (lang: UiLanguage) => (param: 'theme' | 'region', value: string) => {
    const state = emptySearchState();
    state.filters[param === 'theme' ? 'themes' : 'regions'] = [value];
    return `/?${writeSearchState(state, new URLSearchParams({ lang })).toString()}`;
  };

  /**
   * The 404 of a path nothing else answered: a page for a browser, JSON for
   * any other client. The path is quoted back at most in part.
   */
  function notFound(request: Request, url: URL, ResponseClass: typeof Response): Response {
    const path = url.pathname.length > 100 ? `${url.pathname.slice(0, 100)}…` : url.pathname;
    if (/\btext\/html\b/.test(request.headers.get('accept') ?? '')) {
      const strings = pageMessagesFor(languageOf(request, url));
      const body = catalogueLayout({
        lang: strings.lang,
        title: `${strings.page.pageNotFound} — ${strings.page.catalogue}`,
        catalogue: strings.page.catalogue,
        labels: strings.page,
        languageHref: hrefWithLang(url),
        body: html`<section id="not-found" aria-labelledby="not-found-h"><h1 id="not-found-h">${strings.page.pageNotFound}</h1><p>${strings.page.pageNotFoundText.replace('{path}', path)}</p><p><a href="/?lang=${strings.lang}">${strings.page.home}</a></p></section>`,
      });
      return page(ResponseClass, 404, request.method === 'HEAD' ? '' : body.value);
    }
    const body = { errors: [{ message: `Nothing is served at ${path}: GraphQL is at /graphql, the catalogue at /.`, extensions: { code: 'NOT_FOUND' } }] };
    return new ResponseClass(request.method === 'HEAD' ? null : JSON.stringify(body), { status: 404, headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff' } });
  }

  async function serveHome(request: Request, serverContext: object, url: URL, ResponseClass: typeof Response): Promise<Response> {
    const strings = pageMessagesFor(languageOf(request, url));
    const consumer = await consumerOf(request);
    const result = await execute<WharfHomePageQuery, WharfHomePageQueryVariables>(request, serverContext, url, homePageQuery, { lang: strings.lang, first: consumer ? homeOpenCandidates : homeRecentCount });
    const data = result.data;
    if (!data?.regions) return errorPage(ResponseClass, result.status >= 400 ? result.status : 502, strings, url, result.errors[0]?.message ?? strings.page.unavailable, result.retryAfter);
    const body = renderHomePage({
      data,
      strings,
      consumer,
      languageHref: hrefWithLang(url),
      searchHref: searchHrefFor(strings.lang),
      datasetHref: (id) => `${datasetPathPrefix}${encodeURIComponent(id)}?lang=${strings.lang}`,
    });
    return page(ResponseClass, 200, body.value);
  }

  async function serveDataset(request: Request, serverContext: object, url: URL, ResponseClass: typeof Response): Promise<Response> {
    const strings = pageMessagesFor(languageOf(request, url));
    let id: string;
    try {
      id = decodeURIComponent(url.pathname.slice(datasetPathPrefix.length));
    } catch {
      return errorPage(ResponseClass, 400, strings, url, strings.page.notFound);
    }
    const purpose = url.searchParams.get('purpose');
    const variables: WharfDatasetPageQueryVariables = { id, lang: strings.lang, purpose: purpose || null, depth: lineageDepth, withQuality };
    const result = await execute<WharfDatasetPageQuery, WharfDatasetPageQueryVariables>(request, serverContext, url, datasetPageOperation, variables);
    const data = result.data;
    if (!data) return errorPage(ResponseClass, result.status >= 400 ? result.status : 502, strings, url, result.errors[0]?.message ?? strings.page.unavailable, result.retryAfter);
    // The id comes from the URL: quoted back at most in part.
    if (!data.dataset) return errorPage(ResponseClass, 404, strings, url, `${strings.page.notFound} (${id.length > 100 ? `${id.slice(0, 100)}…` : id})`);
    const origin = typeof options.publicOrigin === 'string' ? options.publicOrigin : options.publicOrigin();
    const pageUrl = new URL(`${datasetPathPrefix}${encodeURIComponent(id)}`, origin).href;
    // "Back to search": the search the visitor came from (the component puts it in `back`), bounded like any search in a URL.
    const back = writeSearchState(readSearchState(new URLSearchParams(url.searchParams.get('back') ?? '')), new URLSearchParams({ lang: strings.lang }));
    const body = renderDatasetPage({
      data: { ...data, dataset: data.dataset },
      backHref: `/?${back.toString()}`,
      searchHref: searchHrefFor(strings.lang),
      errors: result.errors,
      strings,
      consumer: await consumerOf(request),
      pageUrl,
      catalogueUrl: new URL('/', origin).href,
      languageHref: hrefWithLang(url),
      datasetHref: (other) => `${datasetPathPrefix}${encodeURIComponent(other)}?lang=${strings.lang}`,
    });
    return page(ResponseClass, 200, body.value);
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      const path = url.pathname;
      if (path === embedPath) return serveEmbed(request, fetchAPI.Response).then(endResponse);
      if (path === embedIntegrityPath) return serveIntegrity(request, fetchAPI.Response).then(endResponse);
      const asset = options.graphiql?.serveAsset(request, fetchAPI.Response);
      if (asset) return asset.then(endResponse);
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (path === '/') return serveHome(request, serverContext, url, fetchAPI.Response).then(endResponse);
      if (path.startsWith(datasetPathPrefix) && path.length > datasetPathPrefix.length) return serveDataset(request, serverContext, url, fetchAPI.Response).then(endResponse);
    },
    // Every 404 a browser gets is a page (the endpoint guard's and the runtime's included); another client's bare 404 becomes NOT_FOUND JSON.
    onResponse({ request, response, setResponse, fetchAPI }) {
      if (response.status !== 404) return;
      // The CKAN API and the DCAT documents answer their own 404s, in the forms their clients read.
      if (/^\/(api|dcat)([/.]|$)/.test(new URL(request.url).pathname)) return;
      const type = response.headers.get('content-type') ?? '';
      if (/^text\/html\b/i.test(type)) return;
      const browser = (request.method === 'GET' || request.method === 'HEAD') && /\btext\/html\b/.test(request.headers.get('accept') ?? '');
      if (!browser && type) return;
      setResponse(notFound(request, new URL(request.url), fetchAPI.Response));
    },
  };
}
