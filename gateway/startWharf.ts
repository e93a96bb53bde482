import { createServer, type Server } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { Authenticator } from './identity/authenticate.ts';
import type { OperationLimits } from './limitsPlugin.ts';
import type { RegionEntry } from '../schema/regionEntry.ts';
import { createCatalogue, type Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import { closeHttpServer } from '../subgraphs/shared/closeHttpServer.ts';
import { createCaches, type CachesOptions, type GatewayCaches } from './createCaches.ts';
import { createGateway } from './createGateway.ts';
import { listen } from '../subgraphs/shared/listen.ts';

export interface WharfOptions {
  regions: readonly RegionEntry[];
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  /** See `PartitionRouterOptions.timeoutMs`. @default 5000 */
  regionTimeoutMs?: number;
  logging?: 'debug' | 'info' | 'warn' | 'error' | false;
  /** Used for harvests and region fetches; tests pass a spy. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  authenticator: Authenticator;
  /** The gateway's Ed25519 private key; regions hold its public key. */
  signingKey: KeyObject;
  /** See `CatalogueOptions.cacheDecisions`. @default true */
  cacheDecisions?: boolean;
  /** See `OperationLimits`. */
  limits?: OperationLimits;
  /** See `CachesOptions`. @default in-process caches, no Redis */
  caches?: CachesOptions;
  /** See `IdentityPluginOptions.clientRequestsPerMinute`. @default 600 */
  clientRequestsPerMinute?: number;
  /** See `GatewayOptions.apqStore`. @default in-memory */
  apqStore?: APQStore;
  /** See `GatewayOptions.corsOrigins`. @default [] */
  corsOrigins?: readonly string[];
}

export interface Wharf extends AsyncDisposable {
  /** `http://host:port` of the gateway. */
  readonly origin: string;
  /** The GraphQL endpoint, `${origin}/graphql`. */
  readonly graphqlUrl: string;
  readonly catalogue: Catalogue;
  readonly gateway: GatewayRuntime;
  readonly httpServer: Server;
  readonly caches: GatewayCaches;
}

/**
 * Starts the gateway with its in-process catalogue in front of running
 * regions: harvests every region once (a region that fails is reported in
 * `Query.regions`, not fatal), then listens.
 *
 * Shutdown order: stop accepting and drain HTTP, dispose the runtime, stop
 * the catalogue's harvest, then close Redis.
 */
export async function startWharf(options: WharfOptions): Promise<Wharf> {
  const { host = '127.0.0.1', port = 0 } = options;
  const caches = createCaches(options.caches);
  // Bounded: a Redis that is down delays the start by at most this, then the caches fail open.
  const redisReady = caches.ready(3000);
  const catalogue = await createCatalogue({
    ...(caches.search ? { searchCache: caches.search } : {}),
    regions: options.regions,
    ...(options.harvestIntervalMs !== undefined ? { harvestIntervalMs: options.harvestIntervalMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.cacheDecisions !== undefined ? { cacheDecisions: options.cacheDecisions } : {}),
  });
  await Promise.all([catalogue.start(), redisReady]);
  const gateway = createGateway({
    catalogue,
    regions: options.regions,
    ...(options.regionTimeoutMs !== undefined ? { regionTimeoutMs: options.regionTimeoutMs } : {}),
    ...(options.logging !== undefined ? { logging: options.logging } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    authenticator: options.authenticator,
    signingKey: options.signingKey,
    ...(options.limits ? { limits: options.limits } : {}),
    caches,
    ...(options.clientRequestsPerMinute !== undefined ? { clientRequestsPerMinute: options.clientRequestsPerMinute } : {}),
    ...(options.apqStore ? { apqStore: options.apqStore } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
  });
  const httpServer = createServer(gateway);
  let origin: string;
  try {
    origin = await listen(httpServer, port, host);
  } catch (error) {
    await gateway[Symbol.asyncDispose]();
    await catalogue[Symbol.asyncDispose]();
    await caches[Symbol.asyncDispose]();
    throw error;
  }
  return {
    origin,
    graphqlUrl: `${origin}/graphql`,
    catalogue,
    gateway,
    httpServer,
    caches,
    async [Symbol.asyncDispose]() {
      await closeHttpServer(httpServer);
      await gateway[Symbol.asyncDispose]();
      await catalogue[Symbol.asyncDispose]();
      await caches[Symbol.asyncDispose]();
    },
  };
}
