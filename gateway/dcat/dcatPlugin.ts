import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { regionCodePattern } from '../../schema/datasetId.ts';
import { serializeRdfDocument } from '../../subgraphs/shared/rdf/createRdfSerializer.ts';
import { formatOfExtension, negotiateRdfFormat, rdfFormats } from '../../subgraphs/shared/rdf/negotiateRdfFormat.ts';
import type { WharfDcatCursorQuery, WharfDcatPageQuery } from '../generated/operations.ts';
import { graphqlAsCaller, ownCredentials, type CallerGraphqlResult, type GatewayGraphql } from '../graphqlAsCaller.ts';
import { createSearchOffsets, type SearchOffsets } from '../searchOffsets.ts';
import { federatedCatalogueIri, federatedCataloguePage, federatedContext } from './federatedCatalogue.ts';

export interface DcatPluginOptions {
  /** The gateway's own GraphQL execution: every page runs through it as the caller. */
  graphql: GatewayGraphql;
  /** The origin the catalogue's IRIs and page links are built on (`WHARF_PUBLIC_ORIGIN`). */
  publicOrigin: string | (() => string);
  /** The catalogue's content and policy versions (see `SearchOffsetsOptions.version`). */
  catalogueVersion(): string;
  /** Cursors by offset, for `?page=N`; shared with the CKAN API. @default one of its own */
  offsets?: SearchOffsets;
  /** Datasets on a page. @default 100, the catalogue's largest search page */
  datasetsPerPage?: number;
}

/** The names of the operations the pages run (metrics report them by name). */
export const dcatOperationNames: readonly string[] = ['WharfDcatPage', 'WharfDcatCursor'];

/** Highest page number taken. */
const maxPageNumber = 1_000_000;

const pageQuery = /* GraphQL */ `
  query WharfDcatPage($first: Int, $after: String, $filter: SearchFilter) {
    regions { code name }
    search(query: "", sort: TITLE, first: $first, after: $after, filter: $filter, facetLimit: 1) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id region dcat } }
    }
  }
`;
const cursorQuery = /* GraphQL */ `
  query WharfDcatCursor($first: Int, $after: String, $filter: SearchFilter) {
    search(query: "", sort: TITLE, first: $first, after: $after, filter: $filter, facetLimit: 1) { pageInfo { hasNextPage endCursor } }
  }
`;

class PageRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** A refused GraphQL call as the answer the caller gets. */
function refusal(result: CallerGraphqlResult<unknown>): PageRefused {
  const message = result.errors[0]?.message ?? `The catalogue answered ${result.status}.`;
  if (result.status === 401) return new PageRefused(401, message, { 'www-authenticate': 'Bearer' });
  if (result.status === 429) return new PageRefused(429, message, result.retryAfter ? { 'retry-after': result.retryAfter } : {});
  if (result.errors[0]?.extensions?.code === 'BAD_USER_INPUT') return new PageRefused(400, `${message} Follow the page links as given, or ask for ?page=N.`);
  return new PageRefused(502, 'The catalogue could not answer this page; retry later.');
}

/** A region's document for one dataset, if it is one JSON-LD node (a region writes for its own datasets, nothing else). */
function datasetDocument(text: string): Record<string, unknown> | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  const node = document as Record<string, unknown>;
  if (typeof node['@id'] !== 'string' || '@graph' in node || '@included' in node || '@reverse' in node) return undefined;
  return node;
}

/**
 * `GET /dcat` on the gateway: the federated catalogue, one `dcat:Catalog`
 * whose `dcat:catalog` are the regions' catalogues, with the datasets the
 * caller may discover as their regions' own DCAT-AP documents, a page at a
 * time (`?page=N`, page 1 by default, as ckanext-dcat serves its catalogue)
 * with `hydra:PagedCollection` links, in title order; `/dcat/regions/<CODE>`
 * is one region's part. JSON-LD, Turtle or RDF/XML by extension or
 * `Accept` (406 otherwise). Each page is one GraphQL operation run through
 * the runtime as the caller (`Authorization` or `X-Api-Key`): identity,
 * rate limits, discoverability and every region's policies are the
 * gateway's own. A page whose region did not answer is a 503, never a page
 * silently missing datasets a harvester would then delete.
 */
export function dcatPlugin(options: DcatPluginOptions): GatewayPlugin {
  const offsets = options.offsets ?? createSearchOffsets({ version: options.catalogueVersion });
  const perPage = options.datasetsPerPage ?? 100;
  const origin = () => (typeof options.publicOrigin === 'string' ? options.publicOrigin : options.publicOrigin()).replace(/\/+$/, '');

  async function servePage(request: Request, url: URL, serverContext: object, path: string, region: string | undefined, ResponseClass: typeof Response): Promise<Response> {
    const json = (status: number, error: string, extra: Record<string, string> = {}) =>
      new ResponseClass(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...extra } });
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, `Use GET ${url.pathname.slice(0, 200)}.`, { allow: 'GET, HEAD' });
    const extension = formatOfExtension(url.pathname);
    const negotiation = negotiateRdfFormat(request.headers.get('accept'), extension && extension.path === path ? extension.format : undefined);
    if ('error' in negotiation) return json(406, negotiation.error);
    const pageParam = url.searchParams.get('page') ?? '1';
    if (!/^[1-9]\d{0,6}$/.test(pageParam) || Number(pageParam) > maxPageNumber) return json(400, `"page" must be a whole number from 1 to ${maxPageNumber}; got ${JSON.stringify(pageParam.slice(0, 40))}.`);
    const page = Number(pageParam);
    const given = url.searchParams.get('cursor') ?? undefined;
    if (given !== undefined && given.length > 1024) return json(400, `"cursor" must be a cursor from a page link, at most 1024 characters long; got ${given.length}.`);
    const credentials = ownCredentials(request);
    const filter = region ? { regions: [region] } : null;
    const run = async <T>(query: string, variables: Record<string, unknown>) => {
      const result = await graphqlAsCaller<T>(options.graphql, request, serverContext, credentials, query, variables);
      if (result.status >= 400 || result.data === null) throw refusal(result);
      return result;
    };
    try {
      const scope = offsets.scopeOf(credentials, ['dcat', filter]);
      const after = given ?? (await offsets.cursorAt(scope, (page - 1) * perPage, async (cursor, first) => (await run<WharfDcatCursorQuery>(cursorQuery, { first, after: cursor ?? null, filter })).data!.search.pageInfo));
      const { data, errors } = await run<WharfDcatPageQuery>(pageQuery, { first: perPage, after: after ?? null, filter });
      const { search } = data!;
      if (region && !data!.regions.some((each) => each.code === region)) return json(404, `The catalogue holds no region ${region}; ${federatedCatalogueIri(origin())} lists the regions' catalogues.`);
      // Only a page placed by its number says where the next offset starts: a cursor given in the URL could be any page's.
      if (given === undefined) offsets.remember(scope, (page - 1) * perPage + search.edges.length, search.pageInfo.endCursor);
      const unanswered = errors.find((error) => ['REGION_UNAVAILABLE', 'REGION_ERROR', 'CONTRACT_INCOMPATIBLE'].includes(String(error.extensions?.code)));
      if (unanswered) return json(503, `${unanswered.message} This page would leave out that region's datasets, so it is not served; retry later.`, { 'retry-after': '30' });
      const datasets = [];
      for (const { node } of search.edges) {
        // Null without an error: the region no longer has it, or its policies now hide it.
        if (node.dcat === null) continue;
        const document = datasetDocument(node.dcat);
        if (!document) return json(502, `Region ${node.region} answered a DCAT-AP document for ${node.id} that is not one JSON-LD node; this page is not served.`);
        datasets.push({ region: node.region, document });
      }
      const base = origin();
      const link = (number: number, cursor?: string | null) => {
        const target = new URL(url.pathname, `${base}/`);
        target.searchParams.set('page', String(number));
        if (cursor) target.searchParams.set('cursor', cursor);
        return target.href;
      };
      const lastPage = Math.max(1, Math.ceil(search.totalCount / perPage));
      const document = federatedCataloguePage({
        origin: base,
        regions: data!.regions,
        ...(region ? { region } : {}),
        datasets,
        paging: {
          current: link(page, given),
          first: link(1),
          ...(search.pageInfo.hasNextPage ? { next: link(page + 1, search.pageInfo.endCursor) } : {}),
          ...(page > 1 ? { previous: link(page - 1) } : {}),
          last: link(lastPage),
          totalItems: search.totalCount,
          itemsPerPage: perPage,
        },
      });
      const body = await serializeRdfDocument(document, negotiation.format, federatedContext);
      return new ResponseClass(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': rdfFormats[negotiation.format].contentType,
          // The page is the caller's own: what its credentials may discover.
          'cache-control': 'private, no-cache',
          vary: 'accept, authorization, x-api-key',
        },
      });
    } catch (error) {
      if (error instanceof PageRefused) return json(error.status, error.message, error.headers);
      throw error;
    }
  }

  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      const path = formatOfExtension(url.pathname)?.path ?? url.pathname;
      if (path === '/dcat' || path === '/dcat/') return servePage(request, url, serverContext, path, undefined, fetchAPI.Response).then(endResponse);
      const regionPath = /^\/dcat\/regions\/([^/]+)$/.exec(path);
      if (regionPath && regionCodePattern.test(regionPath[1]!)) return servePage(request, url, serverContext, path, regionPath[1], fetchAPI.Response).then(endResponse);
      if (url.pathname.startsWith('/dcat/')) {
        endResponse(
          new fetchAPI.Response(JSON.stringify({ error: `No DCAT document at ${url.pathname.slice(0, 200)}; the catalogue is ${federatedCatalogueIri(origin())} and each region's part is /dcat/regions/<CODE>.` }), {
            status: 404,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          }),
        );
      }
    },
  };
}
