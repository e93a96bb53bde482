import type { Server } from 'node:http';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { readHarvestStatus, requestHarvest } from '../subgraphs/catalogue/durable/harvestWrites.ts';
import { createCaches, type GatewayCaches } from './createCaches.ts';
import { createGateway } from './createGateway.ts';
import type { RegionRegistry } from './createRegionRegistry.ts';
import { openRegionRegistry } from './openRegionRegistry.ts';
import { createRemoteCatalogueExecutor } from './remoteCatalogueExecutor.ts';
import { serveGateway, type WharfPhase } from './serveGateway.ts';
import type { WharfOptions } from './startWharf.ts';

export interface GatewayServiceOptions
  extends Omit<WharfOptions, 'catalogueDatabase' | 'replication' | 'harvestIntervalMs' | 'reconcileIntervalMs' | 'harvestLimits' | 'cacheDecisions'> {
  /** The catalogue service's GraphQL endpoint (`--catalogue-url`); reached with requests signed for each consumer. */
  catalogueUrl: string;
  /** Longest wait for the catalogue service's answer, in milliseconds. @default 5000 */
  catalogueTimeoutMs?: number;
  /**
   * The catalogue's database: the region registry every replica shares, and
   * where harvest pings are handed to the catalogue's leader. Closed at shutdown.
   */
  catalogueDatabase: CatalogueDatabase;
}

export interface GatewayService extends AsyncDisposable {
  readonly origin: string;
  readonly graphqlUrl: string;
  readonly gateway: GatewayRuntime;
  readonly httpServer: Server;
  readonly caches: GatewayCaches;
  readonly registry: RegionRegistry;
  readonly phase: WharfPhase;
}

/**
 * A gateway in front of regions and a catalogue service (`wharf gateway
 * --catalogue-url`): nothing of the catalogue runs in this process, so any
 * number of these share one catalogue. Catalogue fetches go over HTTP,
 * signed for their consumer (`createRemoteCatalogueExecutor`); the region
 * registry and the admin API work on the registry in the catalogue's
 * database; a webhook ping is handed to whichever catalogue replica leads.
 * The entity and whole-answer caches are off (they key on the catalogue's
 * revisions, which are not in this process); regions' answers are fetched
 * as they are asked for.
 */
export async function startGateway(options: GatewayServiceOptions): Promise<GatewayService> {
  const { host = '127.0.0.1', port = 0, shutdownTimeoutMs = 10_000, resources = [], catalogueDatabase: database } = options;
  const caches = createCaches(options.caches);
  const redisReady = caches.ready(3000);
  const { registry, store } = await openRegionRegistry({
    regions: options.regions,
    ...(options.registryFile ? { registryFile: options.registryFile } : {}),
    database,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.regionTimeoutMs !== undefined ? { contractTimeoutMs: options.regionTimeoutMs } : {}),
    ...(options.regionHosts ? { allowedHosts: options.regionHosts } : {}),
  });
  await redisReady;
  let origin = '';
  const gateway = createGateway({
    catalogue: {
      execute: createRemoteCatalogueExecutor({
        url: options.catalogueUrl,
        signingKey: options.signingKey,
        ...(options.catalogueTimeoutMs !== undefined ? { timeoutMs: options.catalogueTimeoutMs } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
      harvestStatus: (code) => readHarvestStatus(database, code).catch(() => ({ error: 'The catalogue database could not be reached; the status is not known here now.' })),
      requestHarvest: (code) => requestHarvest(database, code),
    },
    registry,
    ...(options.regionTimeoutMs !== undefined ? { regionTimeoutMs: options.regionTimeoutMs } : {}),
    ...(options.logging !== undefined ? { logging: options.logging } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    authenticator: options.authenticator,
    signingKey: options.signingKey,
    ...(options.limits ? { limits: options.limits } : {}),
    caches,
    ...(options.clientRequestsPerMinute !== undefined ? { clientRequestsPerMinute: options.clientRequestsPerMinute } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.apqStore ? { apqStore: options.apqStore } : {}),
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.requestLimits ? { requestLimits: options.requestLimits } : {}),
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    publicOrigin: options.publicOrigin ?? (() => origin),
  });
  const close = async () => {
    await gateway[Symbol.asyncDispose]();
    await caches[Symbol.asyncDispose]();
    await store?.[Symbol.asyncDispose]();
    await database[Symbol.asyncDispose]();
    for (const resource of resources) await Promise.resolve(resource[Symbol.asyncDispose]()).catch(() => undefined);
  };
  let served;
  try {
    served = await serveGateway(gateway, { host, port, shutdownTimeoutMs, stop: close });
  } catch (error) {
    await close();
    throw error;
  }
  origin = served.origin;
  return {
    origin,
    graphqlUrl: `${origin}/graphql`,
    gateway,
    httpServer: served.httpServer,
    caches,
    registry,
    get phase() {
      return served.phase;
    },
    [Symbol.asyncDispose]: () => served[Symbol.asyncDispose](),
  };
}
