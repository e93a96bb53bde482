import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';

/**
 * Who may call a gateway endpoint:
 * - `public`: anyone; nothing on it depends on who asks.
 * - `consumer`: the caller's own bearer token or API key, or anonymous
 *   without one; what it answers is what that consumer may see, and a
 *   credential that fails is refused (401), never treated as anonymous.
 * - `admin`: the admin token (`WHARF_ADMIN_TOKEN`); off without one.
 * - `metrics`: the scraper's token (`WHARF_METRICS_TOKEN`); off without one.
 * - `region`: a ping signed with the region's own secret or key.
 */
export type GatewayCredential = 'public' | 'consumer' | 'admin' | 'metrics' | 'region';

export interface GatewayEndpoint {
  /** The exact path, or the path and everything under it when `subtree`. */
  path: string;
  subtree?: boolean;
  methods: readonly string[];
  credential: GatewayCredential;
  description: string;
}

/**
 * Every path the gateway serves. The first plugin answers 404 to any other
 * path before anything reads the request, so an endpoint cannot be added
 * without an entry here saying who may call it; a test walks the list and
 * calls every protected entry without its credential.
 */
export const gatewayEndpoints: readonly GatewayEndpoint[] = [
  { path: '/graphql', methods: ['GET', 'POST', 'OPTIONS'], credential: 'consumer', description: 'The GraphQL API (GraphiQL for a browser GET).' },
  { path: '/health', methods: ['GET'], credential: 'public', description: 'Liveness; with the catalogue a durable replica in this process, whether its database is reachable and harvesting runs (proportions only; counts with the metrics token).' },
  { path: '/ready', methods: ['GET'], credential: 'public', description: 'Readiness: the supergraph is loaded and, with the catalogue a durable replica in this process, it has applied the stored catalogue (503 with how much before).' },
  { path: '/metrics', methods: ['GET'], credential: 'metrics', description: 'Prometheus metrics, every label bounded.' },
  { path: '/admin/regions', subtree: true, methods: ['GET', 'POST', 'DELETE'], credential: 'admin', description: 'List, register and remove regions.' },
  { path: '/hooks/harvest', methods: ['POST'], credential: 'region', description: "A region's signed ping: harvest it now." },
  { path: '/', methods: ['GET'], credential: 'consumer', description: 'The catalogue home page and search, run as the visitor.' },
  { path: '/datasets', subtree: true, methods: ['GET'], credential: 'consumer', description: 'A dataset page, run as the visitor.' },
  { path: '/mcp', methods: ['POST'], credential: 'consumer', description: 'MCP (Streamable HTTP, stateless): the tools run as the caller, as on /graphql.' },
  { path: '/embed/wharf-search.js', methods: ['GET'], credential: 'public', description: 'The <wharf-search> web component (any origin: Access-Control-Allow-Origin: *).' },
  { path: '/embed/wharf-search.js.sri', methods: ['GET', 'HEAD'], credential: 'public', description: "The component's Subresource Integrity value (sha384-…), for portals pinning it." },
  { path: '/api/3/action', subtree: true, methods: ['GET', 'POST'], credential: 'consumer', description: "CKAN's Action API v3, read-only: every action runs as the caller, as on /graphql (X-CKAN-API-Key or Authorization, as CKAN clients send them)." },
  { path: '/api/action', subtree: true, methods: ['GET', 'POST'], credential: 'consumer', description: "CKAN's Action API, as /api/3/action." },
  { path: '/api/3', methods: ['GET'], credential: 'public', description: "CKAN's API version: {\"version\": 3}." },
  { path: '/api', methods: ['GET'], credential: 'public', description: "CKAN's API version: {\"version\": 3}." },
  { path: '/dcat', subtree: true, methods: ['GET', 'HEAD'], credential: 'consumer', description: 'The federated DCAT-AP catalogue, a page at a time, and each region\'s part (/dcat/regions/<CODE>), run as the caller; JSON-LD, Turtle or RDF/XML.' },
  { path: '/dcat.jsonld', methods: ['GET', 'HEAD'], credential: 'consumer', description: 'The federated DCAT-AP catalogue as JSON-LD.' },
  { path: '/dcat.ttl', methods: ['GET', 'HEAD'], credential: 'consumer', description: 'The federated DCAT-AP catalogue as Turtle.' },
  { path: '/dcat.rdf', methods: ['GET', 'HEAD'], credential: 'consumer', description: 'The federated DCAT-AP catalogue as RDF/XML.' },
  { path: '/assets/graphiql', subtree: true, methods: ['GET', 'HEAD'], credential: 'public', description: "GraphiQL's files, from the installed @graphql-yoga/graphiql package (no CDN)." },
];

/** The endpoint serving `pathname`, if any. */
export function gatewayEndpointOf(pathname: string, endpoints: readonly GatewayEndpoint[] = gatewayEndpoints): GatewayEndpoint | undefined {
  return endpoints.find((endpoint) => pathname === endpoint.path || (endpoint.subtree === true && pathname.startsWith(`${endpoint.path}/`)));
}

export interface EndpointGuardOptions {
  /** @default gatewayEndpoints */
  endpoints?: readonly GatewayEndpoint[];
  /** The answer to a path no endpoint serves (a page for browsers, say). @default JSON with `NOT_FOUND` */
  notFound?: (request: Request, url: URL) => Response | Promise<Response>;
}

/**
 * Answers 404 to every path not in `endpoints`, before any other plugin
 * reads the request. Order: first in the plugin list.
 */
export function endpointGuardPlugin(options: EndpointGuardOptions = {}): GatewayPlugin {
  const { endpoints = gatewayEndpoints } = options;
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (gatewayEndpointOf(url.pathname, endpoints)) return;
      if (options.notFound) return Promise.resolve(options.notFound(request, url)).then(endResponse);
      const body = JSON.stringify({ errors: [{ message: `No route ${url.pathname.slice(0, 200)}: GraphQL is served at /graphql only; SECURITY.md lists every path the gateway serves.`, extensions: { code: 'NOT_FOUND' } }] });
      return endResponse(new fetchAPI.Response(body, { status: 404, headers: { 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}
