import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import { Kind, parse, type ObjectTypeDefinitionNode, type ObjectTypeExtensionNode } from 'graphql';
import { datasetPageQuery, lineageDepth, renderDatasetPage, type DatasetPageData, type DatasetPageOptions } from './datasetPage.ts';
import { buildEmbedBundle, searchOperationHashes, type EmbedBundle } from './embedBundle.ts';
import { homePageQuery, renderHomePage } from './homePage.ts';
import { catalogueLayout } from './catalogueLayout.ts';
import { html } from './html.ts';
import type { UiLanguage } from './messages.ts';
import { pageMessagesFor } from './pageMessages.ts';
import { searchOperations, type SearchOperationName } from './searchOperations.ts';
import type { Authenticator } from '../identity/authenticate.ts';

/** Where the gateway serves the search component. Stable: portals link to it. */
export const embedPath = '/embed/wharf-search.js';
/** Where the gateway serves the component's Subresource Integrity value (`sha384-…`), as text. */
export const embedIntegrityPath = `${embedPath}.sri`;
/** Static assets any origin may load (`Access-Control-Allow-Origin: *`), whatever `WHARF_CORS_ORIGINS` allows for the API. */
export const publicAssetPaths: ReadonlySet<string> = new Set([embedPath, embedIntegrityPath]);
/** Dataset pages live at `/datasets/<id>` (the id URL-encoded or as is). */
export const datasetPathPrefix = '/datasets/';

/** The names of the operations the pages and the component send (metrics report them by name). */
export const portalOperationNames: readonly string[] = [homePageQuery, datasetPageQuery(true), ...Object.values(searchOperations)].map((text) => /^query (\w+)/.exec(text)![1]!);

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
 *
 * Page data comes from the gateway's own GraphQL execution, never around it.
 */
export function portalPlugin(options: PortalOptions): GatewayPlugin {
  const maxAge = options.embedMaxAgeSeconds ?? 600;
  const withQuality = supergraphHasQuality(options.supergraphSdl);
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
  async function execute(request: Request, serverContext: object, url: URL, query: string, variables: Record<string, unknown>) {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };
    for (const name of ['authorization', 'x-api-key', 'x-forwarded-for']) {
      const value = request.headers.get(name);
      if (value) headers[name] = value;
    }
    const response = await options.graphql(new Request(new URL('/graphql', url), { method: 'POST', headers, body: JSON.stringify({ query, variables }) }), serverContext);
    const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: DatasetPageOptions['errors'] };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), data: body.data ?? null, errors: body.errors ?? [] };
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
      title: strings.page.catalogue,
      catalogue: strings.page.catalogue,
      languageHref: hrefWithLang(url),
      body: html`<section role="alert"><h1>${status}</h1><p>${message}</p><p><a href="/?lang=${strings.lang}">${strings.page.back}</a></p></section>`,
    });
    return page(ResponseClass, status, body.value, retryAfter);
  }

  async function serveHome(request: Request, serverContext: object, url: URL, ResponseClass: typeof Response): Promise<Response> {
    const strings = pageMessagesFor(languageOf(request, url));
    const result = await execute(request, serverContext, url, homePageQuery, {});
    const regions = (result.data as { regions?: Parameters<typeof renderHomePage>[0]['regions'] } | null)?.regions;
    if (!regions) return errorPage(ResponseClass, result.status >= 400 ? result.status : 502, strings, url, result.errors[0]?.message ?? strings.page.unavailable, result.retryAfter);
    const body = renderHomePage({ regions, strings, query: url.searchParams.get('q') ?? '', languageHref: hrefWithLang(url) });
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
    const result = await execute(request, serverContext, url, datasetPageQuery(withQuality), { id, lang: strings.lang, purpose: purpose || null, depth: lineageDepth });
    const data = result.data as DatasetPageData | null;
    if (!data) return errorPage(ResponseClass, result.status >= 400 ? result.status : 502, strings, url, result.errors[0]?.message ?? strings.page.unavailable, result.retryAfter);
    // The id comes from the URL: quoted back at most in part.
    if (!data.dataset) return errorPage(ResponseClass, 404, strings, url, `${strings.page.notFound} (${id.length > 100 ? `${id.slice(0, 100)}…` : id})`);
    const origin = typeof options.publicOrigin === 'string' ? options.publicOrigin : options.publicOrigin();
    const pageUrl = new URL(`${datasetPathPrefix}${encodeURIComponent(id)}`, origin).href;
    const body = renderDatasetPage({
      data: data as DatasetPageOptions['data'],
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
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (path === '/') return serveHome(request, serverContext, url, fetchAPI.Response).then(endResponse);
      if (path.startsWith(datasetPathPrefix) && path.length > datasetPathPrefix.length) return serveDataset(request, serverContext, url, fetchAPI.Response).then(endResponse);
    },
  };
}
