import { createGatewayRuntime, type GatewayPlugin, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@graphql-hive/logger';
import type { Consumer } from '../schema/consumer.ts';
import { signedRequestHeader, signRegionRequest, type RegionRequest } from '../schema/signedRequest.ts';
import { supergraphPath } from '../schema/composeSupergraph.ts';
import type { Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { catalogueExecutorPlugin, type CatalogueExecutor } from './catalogueExecutorPlugin.ts';
import { createCaches, type GatewayCaches } from './createCaches.ts';
import { createEntityCache } from './partition/entityCache.ts';
import { createGatewayLogger } from './gatewayLogger.ts';
import { harvestWebhookPlugin } from './harvestWebhookPlugin.ts';
import type { Authenticator } from './identity/authenticate.ts';
import { identityPlugin, type IdentityPluginOptions } from './identity/identityPlugin.ts';
import { createRateLimiter } from './identity/createRateLimiter.ts';
import { maskError } from './maskError.ts';
import { defaultOperationLimits, limitsPlugin, type OperationLimits } from './limitsPlugin.ts';
import { partitionRouterPlugin } from './partition/partitionRouterPlugin.ts';
import { portalOperationNames, portalPlugin, publicAssetPaths } from './portal/portalPlugin.ts';
import { metricsPlugin } from './metricsPlugin.ts';
import { mcpOperationNames } from './mcp/mcpOperations.ts';
import { mcpPlugin } from './mcp/mcpPlugin.ts';
import { createGraphiqlPage } from './portal/graphiqlPage.ts';
import { securityHeadersPlugin } from './portal/securityHeadersPlugin.ts';
import { persistedGetCachePlugin } from './persistedGetCachePlugin.ts';
import { parseCachePlugin } from './parseCachePlugin.ts';
import { persistedQueriesPlugin } from './persistedQueriesPlugin.ts';
import { responseCachePlugin } from './responseCachePlugin.ts';
import { adminPlugin } from './adminPlugin.ts';
import { endpointGuardPlugin } from './gatewayEndpoints.ts';
import { ContractRefusedError, type RegionRegistry } from './createRegionRegistry.ts';
import { validationErrorsPlugin } from './validationErrorsPlugin.ts';
import { ckanOperationNames } from './ckan/ckanActions.ts';
import { ckanPlugin } from './ckan/ckanPlugin.ts';
import { dcatOperationNames, dcatPlugin } from './dcat/dcatPlugin.ts';
import { createSearchOffsets } from './searchOffsets.ts';
import { defaultRequestLimits, requestLimitsPlugin, type RequestLimits } from './requestLimitsPlugin.ts';

/** What the gateway needs of the catalogue: in this process (`startWharf`), or a catalogue service over HTTP (`startGateway`). */
export interface GatewayCatalogue {
  /** Runs the `catalogue` subgraph's fetches. */
  execute: CatalogueExecutor;
  /**
   * The catalogue's index and discovery, when it runs in this process: the
   * entity and whole-answer caches key their entries on its revisions and
   * policy versions. Over HTTP there is none, and those two caches are off
   * (answers are the same; the catalogue service has its own search cache).
   */
  local?: Pick<Catalogue, 'index' | 'discovery'>;
  /** A region's harvest status in detail, for `GET /admin/regions`. */
  harvestStatus(code: string): unknown;
  /** Has the region harvested now (a webhook ping), by whichever replica harvests. */
  requestHarvest(code: string): Promise<void>;
}

export interface GatewayOptions {
  catalogue: GatewayCatalogue;
  /** Regions the partition router sends entity fetches to, once each has passed its contract check. */
  registry: RegionRegistry;
  /** The admin credential; undefined turns `/admin/*` off. */
  adminToken?: string;
  /** The bearer credential `/metrics` asks for (`WHARF_METRICS_TOKEN`); undefined, it answers 401. */
  metricsToken?: string;
  /** See `PortalOptions.publicOrigin` (`WHARF_PUBLIC_ORIGIN`, else the origin the gateway listens on). */
  publicOrigin: string | (() => string);
  /** See `RequestLimits`. @default defaultRequestLimits */
  requestLimits?: RequestLimits;
  /** See `PartitionRouterOptions.timeoutMs`. @default 5000 */
  regionTimeoutMs?: number;
  /** Supergraph SDL. @default the committed schema/supergraph.graphql */
  supergraphSdl?: string;
  /** Used for every region fetch; tests pass a spy. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Who a request is for. */
  authenticator: Authenticator;
  /** The gateway's Ed25519 private key: regions trust the consumer it signs, and nothing else. */
  signingKey: KeyObject;
  /** See `OperationLimits`. @default defaultOperationLimits */
  limits?: OperationLimits;
  /**
   * Caches and the metrics registry served at `/metrics`. The caller owns
   * them (and their Redis connection). @default in-process caches, no Redis
   */
  caches?: GatewayCaches;
  /** See `IdentityPluginOptions.clientRequestsPerMinute`. @default 600 */
  clientRequestsPerMinute?: number;
  /** See `IdentityPluginOptions`: failed authentications a minute per client address, trusted proxies. */
  identity?: Pick<IdentityPluginOptions, 'authFailuresPerMinute' | 'trustedProxies'>;
  /**
   * Least level logged; false silences it. Lines are JSON unless the output
   * is a terminal; expected outcomes (denials, bad credentials, bad input,
   * unknown paths) are logged at `info`, failures at `error` (see
   * `GatewayLogWriter`). @default 'warn'
   */
  logging?: 'debug' | 'info' | 'warn' | 'error' | false;
  /** A logger to write through instead of the one `logging` makes (tests capture lines with it). */
  logger?: Logger;
  /**
   * Where automatic persisted queries (hash → operation text) are kept. Any
   * `{ get(hash), set(hash, query) }` will do, sync or async; a store shared by
   * every replica (Redis) lets a hash registered on one replica hit on all.
   * Entries never change meaning (the key is the text's SHA-256), so a store
   * may evict freely: a miss costs the client one resend of the text.
   * @default `caches.persistedQueries`: in-process, in front of Redis when the
   * caches have one (so every replica shares it); entries kept a day
   */
  apqStore?: APQStore;
  /**
   * Browser origins allowed to call the gateway cross-origin (portals that
   * embed `<wharf-search>`), exactly as `https://portal.example` (scheme,
   * host, port). Empty: no cross-origin calls. @default []
   */
  corsOrigins?: readonly string[];
  /** See `PersistedGetCacheOptions.maxAgeSeconds`. @default 30 */
  persistedGetMaxAgeSeconds?: number;
}

/** How long a persisted query stays in the shared cache: its text never changes, so expiry only bounds memory. */
const apqTtlMs = 86_400_000;

/** The one path GraphQL is served on; the identity plugin answers 404 to the runtime's looser matches. */
const graphqlPath = '/graphql';

/** Request headers a portal's page may send cross-origin. */
const corsAllowedHeaders = ['accept', 'content-type', 'authorization', 'x-api-key'];

/**
 * The federation engine: the Hive gateway runtime with the Rust query
 * planner over Wharf's supergraph. Plugin order matters only where noted.
 */
export function createGateway(options: GatewayOptions): GatewayRuntime {
  const { registry } = options;
  const requestLimits = options.requestLimits ?? defaultRequestLimits;
  /** Each region fetch signed for its region, request and consumer: a signature opens nothing anywhere else. */
  const signRequest = (request: RegionRequest): Record<string, string> => ({ [signedRequestHeader]: signRegionRequest(options.signingKey, request) });
  const caches = options.caches ?? createCaches();
  const { catalogue } = options;
  const local = catalogue.local;
  const entityCache =
    caches.entities && local
      ? createEntityCache({
          cache: caches.entities,
          revisionOf: (id) => local.index.revisionOf(id),
          policyVersionOf: (region) => local.discovery.policyVersion(region),
          canDiscover: (consumer, id) => local.discovery.canDiscoverId(consumer, id),
        })
      : undefined;
  const apqStore: APQStore = options.apqStore ?? {
    get: (hash) => caches.persistedQueries.get(hash),
    set: (hash, query) => caches.persistedQueries.set(hash, query, apqTtlMs),
  };
  const supergraphSdl = options.supergraphSdl ?? readFileSync(supergraphPath, 'utf8');
  /** Set below: the catalogue pages run their GraphQL through the runtime itself. */
  let runtime: GatewayRuntime | undefined;
  /** A region is routed to only once it has shown it serves the pinned contract. */
  const admit = async (code: string, remainingMs: number) => {
    const region = registry.get(code);
    if (!region) return { kind: 'failed' as const, code: 'UNKNOWN_REGION' as const, message: `Region ${code} is not routed by this gateway.` };
    try {
      await registry.verify(region, { timeoutMs: remainingMs });
      return undefined;
    } catch (error) {
      if (!(error instanceof ContractRefusedError)) throw error;
      return error.code === 'CONTRACT_INCOMPATIBLE'
        ? { kind: 'failed' as const, code: 'CONTRACT_INCOMPATIBLE' as const, message: error.message }
        : { kind: 'failed' as const, code: 'REGION_UNAVAILABLE' as const, message: error.message };
    }
  };
  /** The consumer of each request, set by the identity plugin. */
  const consumers = new WeakMap<Request, Consumer>();
  const graphiql = createGraphiqlPage();
  const log = options.logger ?? createGatewayLogger({ level: options.logging ?? 'warn' });
  /** What the CKAN API and the DCAT catalogue run their GraphQL through: the runtime itself, as the caller. */
  const asCaller = async (request: Request, serverContext: object) => runtime!.fetch(request, serverContext);
  // Over HTTP the catalogue's versions are not known here: remembered offsets then last at most the minute they were taken in.
  const catalogueVersion = local ? () => `${local.index.contentVersion}|${local.discovery.policyVersions()}` : () => `minute ${Math.floor(Date.now() / 60_000)}`;
  const searchOffsets = createSearchOffsets({ version: catalogueVersion });
  const plugins: GatewayPlugin[] = [
    // Before anything reads the request: a path no endpoint lists is a 404.
    endpointGuardPlugin(),
    // First: no other plugin reads a body larger than the limit.
    requestLimitsPlugin(requestLimits),
    // Response headers only: every HTML response gets a policy, nosniff, no framing and no referrer.
    securityHeadersPlugin({ graphiqlPolicy: () => graphiql.contentSecurityPolicy }),
    // In place of the runtime's count-bounded parse and validation caches.
    parseCachePlugin({ registry: caches.registry }),
    // Answers /metrics itself, behind its token; the cache counters share its registry.
    metricsPlugin({ registry: caches.registry, token: options.metricsToken, log, knownOperationNames: [...portalOperationNames, ...mcpOperationNames, ...ckanOperationNames, ...dcatOperationNames] }),
    // Answers its own paths, behind the admin credential.
    adminPlugin({ registry, token: options.adminToken, harvestStatus: (code) => catalogue.harvestStatus(code) }),
    // Parsing hooks of its own: no GraphQL work starts for a request whose credentials fail, nor on any path but /graphql.
    identityPlugin(options.authenticator, {
      ...options.identity,
      graphqlPath,
      consumers,
      rateLimiter: createRateLimiter({ ...(caches.redis ? { redis: caches.redis } : {}), onRedisError: () => caches.metrics.error('ratelimit', 'get') }),
      ...(options.clientRequestsPerMinute !== undefined ? { clientRequestsPerMinute: options.clientRequestsPerMinute } : {}),
    }) as GatewayPlugin,
    // Validation-time limits: a refused operation never reaches the planner.
    limitsPlugin(options.limits ?? defaultOperationLimits),
    // After the limits, which report validation errors too: each answers 400 with a bounded message.
    validationErrorsPlugin(),
    // Answers its own path before GraphQL handling starts.
    harvestWebhookPlugin({
      harvester: { harvest: (code) => catalogue.requestHarvest(code) },
      verifierOf: (code) => registry.verifierOf(code),
      ...(caches.redis ? { redis: caches.redis, onRedisError: () => caches.metrics.error('webhook', 'set') } : {}),
    }),
    // Likewise: `/`, `/datasets/<id>`, `/embed/wharf-search.js` and GraphiQL's files.
    portalPlugin({ graphql: async (request, serverContext) => runtime!.fetch(request, serverContext), supergraphSdl, apqStore, authenticator: options.authenticator, publicOrigin: options.publicOrigin, graphiql }),
    // Likewise `/mcp`: every tool runs its GraphQL through the runtime as the caller, as the pages do.
    mcpPlugin({
      graphql: async (request, serverContext) => runtime!.fetch(request, serverContext),
      apqStore,
      publicOrigin: options.publicOrigin,
      corsOrigins: options.corsOrigins ?? [],
      maxBatch: requestLimits.maxBatch,
    }),
    // Likewise: `/api/3/action/*`, CKAN's Action API, each action's GraphQL run through the runtime as the caller.
    ckanPlugin({ graphql: asCaller, publicOrigin: options.publicOrigin, regionCodes: () => registry.list().map((region) => region.code), catalogueVersion, offsets: searchOffsets }),
    // Likewise: `/dcat`, the federated DCAT-AP catalogue, a page per operation run as the caller.
    dcatPlugin({ graphql: asCaller, publicOrigin: options.publicOrigin, catalogueVersion, offsets: searchOffsets }),
    // Before parsing: a hash-only request gets its text from the store; a text is registered once it validates.
    persistedQueriesPlugin({ store: apqStore }),
    // Response headers only: a persisted GET's clean, non-personal answer may be cached.
    persistedGetCachePlugin(options.persistedGetMaxAgeSeconds !== undefined ? { maxAgeSeconds: options.persistedGetMaxAgeSeconds } : {}),
    // After identity (the consumer is in the context) and the limits: a cached answer is still counted and limited.
    ...(caches.responses && local
      ? [responseCachePlugin({ cache: caches.responses, consumerOf: (request) => consumers.get(request), versions: () => `${local.index.contentVersion}|${local.discovery.policyVersions()}` })]
      : []),
    catalogueExecutorPlugin(catalogue.execute),
    partitionRouterPlugin({
      regionUrl: (code) => registry.get(code)?.url,
      admit,
      ...(options.regionTimeoutMs !== undefined ? { timeoutMs: options.regionTimeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      signRequest,
      ...(entityCache ? { entityCache } : {}),
    }),
  ];
  const corsOrigins = [...(options.corsOrigins ?? [])];
  runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    unifiedGraphHandler,
    graphqlEndpoint: graphqlPath,
    logging: log,
    plugins: () => plugins,
    maskedErrors: { maskError },
    // Wharf's GraphiQL page, its files served by the portal plugin from the installed package (no CDN).
    renderGraphiQL: () => graphiql.render(),
    // An unknown path is a 404, not the runtime's welcome page.
    landingPage: false,
    batching: { limit: Math.max(1, requestLimits.maxBatch) },
    healthCheckEndpoint: '/health',
    readinessCheckEndpoint: '/ready',
    // Without the option the runtime would reflect any origin; Wharf allows only those configured.
    // The embed script and its integrity value keep their own `Access-Control-Allow-Origin: *`.
    cors: corsOrigins.length
      ? (request) => (publicAssetPaths.has(new URL(request.url).pathname) ? false : { origin: corsOrigins, methods: ['GET', 'POST'], allowedHeaders: corsAllowedHeaders, credentials: false, maxAge: 600 })
      : false,
  });
  return runtime;
}
