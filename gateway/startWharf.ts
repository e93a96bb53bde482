import type { Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import type { HarvestLimits } from '../subgraphs/catalogue/createHarvester.ts';
import type { ReplicationOptions } from '../subgraphs/catalogue/durable/createReplication.ts';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { answerReplicationProbe } from '../subgraphs/catalogue/durable/replicationProbes.ts';
import { inProcessExecutor } from './catalogueExecutorPlugin.ts';
import { createCaches } from './createCaches.ts';
import { createRegistryCatalogue } from './createRegistryCatalogue.ts';
import { createServiceGateway, listenGatewayService, type GatewayService, type GatewayServiceOptions } from './gatewayService.ts';
import { openRegionRegistry, registryOptionsOf } from './openRegionRegistry.ts';

export interface WharfOptions extends GatewayServiceOptions {
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  /** See `HarvestLimits`: each one given replaces its default. */
  harvestLimits?: Partial<HarvestLimits>;
  /** See `CatalogueOptions.cacheDecisions`. @default true */
  cacheDecisions?: boolean;
  /**
   * The catalogue's database (`WHARF_CATALOGUE_DATABASE_URL`, opened with
   * `openCatalogueDatabase`): the catalogue becomes one replica of the
   * durable catalogue, and the region registry is the one stored there.
   * Closed at shutdown. @default none: the catalogue lives in this process only
   */
  catalogueDatabase?: CatalogueDatabase;
  /** See `ReplicationOptions` (this replica's name, election and poll intervals). */
  replication?: Omit<ReplicationOptions, 'database'>;
}

export type { WharfPhase } from './serveGateway.ts';

export interface Wharf extends GatewayService {
  readonly catalogue: Catalogue;
}

/**
 * Starts the gateway with its catalogue in this process, in front of
 * running regions.
 *
 * Without `catalogueDatabase` (one process, nothing kept): harvests every
 * region once (a region that fails is reported in `Query.regions`, not
 * fatal), then listens. With it, the catalogue is one replica of the
 * durable catalogue: it listens at once, `/ready` answers 503 until the
 * replica has applied everything stored, and it harvests only while it
 * leads (see `createReplication`); the region registry is the one in the
 * database.
 *
 * Shutdown order (dispose, or SIGTERM in the CLI): stop accepting
 * connections; let requests under way finish, for up to `shutdownTimeoutMs`;
 * stop harvesting (a leader frees its lock); dispose the runtime; close the
 * caches' Redis, the catalogue database, then `resources`. Disposing twice
 * waits for the one shutdown.
 */
export async function startWharf(options: WharfOptions): Promise<Wharf> {
  const { catalogueDatabase: database } = options;
  let origin = '';
  const caches = createCaches(options.caches);
  // Bounded: a Redis that is down delays the start by at most this, then the caches fail open.
  const redisReady = caches.ready(3000);
  const { registry, store: registryStore } = await openRegionRegistry({ ...registryOptionsOf(options), ...(database ? { database } : {}) });
  const inProcess = await createRegistryCatalogue({
    registry,
    caches,
    signingKey: options.signingKey,
    ...(options.harvestIntervalMs !== undefined ? { harvestIntervalMs: options.harvestIntervalMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    ...(options.harvestLimits ? { harvestLimits: options.harvestLimits } : {}),
    ...(options.cacheDecisions !== undefined ? { cacheDecisions: options.cacheDecisions } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    logging: options.logging !== false && options.logging !== 'error',
    ...(database ? { database } : {}),
    ...(options.replication ? { replication: options.replication } : {}),
  });
  await Promise.all([inProcess.start(), redisReady]);
  const gateway = createServiceGateway(options, {
    catalogue: {
      execute: inProcessExecutor(inProcess),
      local: inProcess,
      harvestStatus: (code) => inProcess.harvester.status(code),
      requestHarvest: (code) => inProcess.requestHarvest(code),
    },
    registry,
    caches,
    origin: () => origin,
  });
  const replication = inProcess.replication;
  const service = await listenGatewayService(options, {
    gateway,
    caches,
    registry,
    ...(replication ? { probe: (path, request) => answerReplicationProbe(path, replication.status(), request.headers.authorization, options.metricsToken) } : {}),
    async close() {
      // Harvest timers and harvests under way (a leader frees its lock), then the engine, then the clients they used.
      await inProcess[Symbol.asyncDispose]();
      await gateway[Symbol.asyncDispose]();
      await caches[Symbol.asyncDispose]();
      await registryStore?.[Symbol.asyncDispose]();
      await database?.[Symbol.asyncDispose]();
    },
  });
  origin = service.origin;
  return Object.assign(service, { catalogue: inProcess });
}
