import type { Server } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import type { APQStore } from '@graphql-yoga/plugin-apq';
import type { Authenticator } from './identity/authenticate.ts';
import type { IdentityPluginOptions } from './identity/identityPlugin.ts';
import type { OperationLimits } from './limitsPlugin.ts';
import type { RegionEntry } from '../schema/regionEntry.ts';
import { createCatalogue, type Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import type { HarvestLimits } from '../subgraphs/catalogue/createHarvester.ts';
import { createCaches, type CachesOptions, type GatewayCaches } from './createCaches.ts';
import { createGateway } from './createGateway.ts';
import type { RegionRegistry } from './createRegionRegistry.ts';
import { openRegionRegistry } from './openRegionRegistry.ts';
import { inProcessExecutor } from './catalogueExecutorPlugin.ts';
import { serveGateway, type ServedGateway, type WharfPhase } from './serveGateway.ts';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import type { ReplicationOptions } from '../subgraphs/catalogue/durable/createReplication.ts';
import { createReplicationMetrics } from '../subgraphs/catalogue/durable/replicationMetrics.ts';
import { answerReplicationProbe } from '../subgraphs/catalogue/durable/replicationProbes.ts';
import type { RegionFileEntry } from './readRegionEntries.ts';
import type { RequestLimits } from './requestLimitsPlugin.ts';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';

export interface WharfOptions {
  regions: readonly RegionEntry[];
  /**
   * The registry file the regions came from (`wharf gateway --regions`);
   * regions registered or removed at run time are written back to it.
   * Without it they last until the process ends.
   */
  registryFile?: { path: string; entries: readonly RegionFileEntry[] };
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  /** See `HarvestLimits`: each one given replaces its default. */
  harvestLimits?: Partial<HarvestLimits>;
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
  /** See `GatewayOptions.identity`. */
  identity?: Pick<IdentityPluginOptions, 'authFailuresPerMinute' | 'trustedProxies'>;
  /** See `GatewayOptions.apqStore`. @default in-memory */
  apqStore?: APQStore;
  /** See `GatewayOptions.corsOrigins`. @default [] */
  corsOrigins?: readonly string[];
  /** See `RequestLimits`. */
  requestLimits?: RequestLimits;
  /** The admin credential (`WHARF_ADMIN_TOKEN`); without it `/admin/*` is off. */
  adminToken?: string;
  /** Hosts the admin API may register regions at (`WHARF_REGION_HOSTS`, normalised); undefined allows any. */
  regionHosts?: readonly string[];
  /** See `GatewayOptions.metricsToken` (`WHARF_METRICS_TOKEN`). */
  metricsToken?: string;
  /**
   * The origin the catalogue's pages name themselves by in canonical links
   * and JSON-LD (`WHARF_PUBLIC_ORIGIN`). @default the origin the gateway listens on
   */
  publicOrigin?: string;
  /** Longest wait for in-flight requests at shutdown, in milliseconds; then their connections are closed. @default 10000 */
  shutdownTimeoutMs?: number;
  /**
   * Closed last at shutdown, in order, after the HTTP server has drained and
   * harvesting has stopped: the Redis and PostgreSQL clients, when present.
   */
  resources?: readonly AsyncDisposable[];
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

export interface Wharf extends AsyncDisposable {
  /** `http://host:port` of the gateway. */
  readonly origin: string;
  /** The GraphQL endpoint, `${origin}/graphql`. */
  readonly graphqlUrl: string;
  readonly catalogue: Catalogue;
  readonly gateway: GatewayRuntime;
  readonly httpServer: Server;
  readonly caches: GatewayCaches;
  readonly registry: RegionRegistry;
  readonly phase: WharfPhase;
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
  const { host = '127.0.0.1', port = 0, shutdownTimeoutMs = 10_000, resources = [], catalogueDatabase: database } = options;
  const caches = createCaches(options.caches);
  // Bounded: a Redis that is down delays the start by at most this, then the caches fail open.
  const redisReady = caches.ready(3000);
  const { registry, store: registryStore } = await openRegionRegistry({
    regions: options.regions,
    ...(options.registryFile ? { registryFile: options.registryFile } : {}),
    ...(database ? { database } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.regionTimeoutMs !== undefined ? { contractTimeoutMs: options.regionTimeoutMs } : {}),
    ...(options.regionHosts ? { allowedHosts: options.regionHosts } : {}),
  });
  let catalogue: Catalogue | undefined;
  const replicationMetrics = database ? createReplicationMetrics(caches.registry, () => catalogue?.replication?.status()) : undefined;
  const quiet = options.logging === false || options.logging === 'error';
  catalogue = await createCatalogue({
    ...(caches.search ? { searchCache: caches.search } : {}),
    regions: registry.list(),
    ...(options.harvestIntervalMs !== undefined ? { harvestIntervalMs: options.harvestIntervalMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.cacheDecisions !== undefined ? { cacheDecisions: options.cacheDecisions } : {}),
    signRequest: (request) => ({ [signedRequestHeader]: signRegionRequest(options.signingKey, request) }),
    ...(options.harvestLimits ? { harvestLimits: options.harvestLimits } : {}),
    // A harvest's details are for the operator's log; consumers see only that a region is behind.
    ...(quiet ? {} : { onHarvestProblem: (region: string, detail: string) => console.warn(JSON.stringify({ level: 'warn', msg: 'region harvest problem', region, detail })) }),
    // A region is harvested only once it serves the pinned contract; checked again at each full reconcile.
    admit: async (region, recheck) => void (await registry.verify(region, { recheck })),
    ...(database
      ? {
          durable: {
            ...options.replication,
            database,
            onApplied: (lagMs: number) => replicationMetrics!.applied(lagMs),
            onRoleChange: (role: 'leader' | 'follower') => replicationMetrics!.roleChanged(role),
            ...(quiet && !options.replication?.log ? { log: () => undefined } : {}),
          },
        }
      : {}),
  });
  const inProcess = catalogue;
  registry.subscribe({
    added(region) {
      inProcess.harvester.addRegion(region);
      void inProcess.harvester.harvest(region.code).catch(() => undefined);
    },
    removed: (code) => inProcess.harvester.removeRegion(code).then(() => undefined),
  });
  await Promise.all([inProcess.start(), redisReady]);
  const gateway = createGateway({
    catalogue: {
      execute: inProcessExecutor(inProcess),
      local: inProcess,
      harvestStatus: (code) => inProcess.harvester.status(code),
      requestHarvest: (code) => inProcess.requestHarvest(code),
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
    // Pages are served only once the server listens, so `origin` is set by then.
    publicOrigin: options.publicOrigin ?? (() => served.origin),
  });
  const replication = inProcess.replication;
  let served: ServedGateway;
  try {
    served = await serveGateway(gateway, {
      host,
      port,
      shutdownTimeoutMs,
      ...(replication ? { probe: (path, request) => answerReplicationProbe(path, replication.status(), request.headers.authorization, options.metricsToken) } : {}),
      async stop() {
        // Harvest timers and harvests under way (a leader frees its lock), then the engine, then the clients they used.
        await inProcess[Symbol.asyncDispose]();
        await gateway[Symbol.asyncDispose]();
        await caches[Symbol.asyncDispose]();
        await registryStore?.[Symbol.asyncDispose]();
        await database?.[Symbol.asyncDispose]();
        for (const resource of resources) await Promise.resolve(resource[Symbol.asyncDispose]()).catch(() => undefined);
      },
    });
  } catch (error) {
    await gateway[Symbol.asyncDispose]();
    await inProcess[Symbol.asyncDispose]();
    await caches[Symbol.asyncDispose]();
    await registryStore?.[Symbol.asyncDispose]();
    await database?.[Symbol.asyncDispose]();
    throw error;
  }
  return {
    origin: served.origin,
    graphqlUrl: `${served.origin}/graphql`,
    catalogue: inProcess,
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
