import type { KeyObject } from 'node:crypto';
import type { RegionEntry } from '../schema/regionEntry.ts';
import type { Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import type { HarvestLimits } from '../subgraphs/catalogue/createHarvester.ts';
import type { ReplicationOptions } from '../subgraphs/catalogue/durable/createReplication.ts';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { serveCatalogue, type CatalogueServer } from '../subgraphs/catalogue/serveCatalogue.ts';
import { createCaches, type CachesOptions } from './createCaches.ts';
import type { RegionRegistry } from './createRegionRegistry.ts';
import { createRegistryCatalogue } from './createRegistryCatalogue.ts';
import { openRegionRegistry, registryOptionsOf } from './openRegionRegistry.ts';
import type { RegionFileEntry } from './readRegionEntries.ts';

export interface CatalogueServiceOptions {
  /** The regions to seed the stored registry with on its very first start (`--regions`). */
  regions: readonly RegionEntry[];
  registryFile?: { path: string; entries: readonly RegionFileEntry[] };
  /** The catalogue's database (`WHARF_CATALOGUE_DATABASE_URL`, opened); closed at shutdown. */
  catalogueDatabase: CatalogueDatabase;
  /**
   * The key harvests are signed with: the catalogue's own harvest key, whose
   * public half each region takes as `--harvester-key` (it opens `/changes`
   * and `/policies` only), or the gateway's key.
   */
  harvestKey: KeyObject;
  /** The gateway's public key: `/graphql` answers only what it signs, for the consumer it signs for. */
  gatewayPublicKey: KeyObject;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  harvestLimits?: Partial<HarvestLimits>;
  /** Longest wait for a region's `/contract`, in milliseconds. @default 5000 */
  regionTimeoutMs?: number;
  /** See `CachesOptions`: the search cache (in Redis when configured), shared by the catalogue's replicas. */
  caches?: CachesOptions;
  /** The bearer credential of `/metrics` (`WHARF_METRICS_TOKEN`). */
  metricsToken?: string;
  /** Largest `/graphql` body, in bytes (`WHARF_MAX_BODY_BYTES`). @default 1048576 */
  maxBodyBytes?: number;
  shutdownTimeoutMs?: number;
  /** See `ReplicationOptions` (this replica's name, election and poll intervals). */
  replication?: Omit<ReplicationOptions, 'database'>;
  /** False silences the harvest problem log. @default true */
  logging?: boolean;
  fetch?: typeof globalThis.fetch;
}

export interface CatalogueService extends AsyncDisposable {
  readonly origin: string;
  /** What gateways take as `--catalogue-url`. */
  readonly url: string;
  readonly catalogue: Catalogue;
  readonly registry: RegionRegistry;
  readonly server: CatalogueServer;
}

/**
 * The catalogue subgraph as a service of its own (`wharf catalogue`): one
 * replica of the durable catalogue, with the registry stored beside it,
 * served over HTTP to gateways (`serveCatalogue`). It listens at once;
 * `/ready` answers 200 once everything stored is applied. It harvests
 * only while it leads.
 *
 * Shutdown: stop accepting requests and let those under way finish; stop
 * harvesting (a leader frees its lock: another replica takes over within
 * a second); then close Redis and the database.
 */
export async function startCatalogueService(options: CatalogueServiceOptions): Promise<CatalogueService> {
  const { catalogueDatabase: database, logging = true } = options;
  const caches = createCaches(options.caches);
  const { registry, store } = await openRegionRegistry({ ...registryOptionsOf(options), database });
  const inProcess = await createRegistryCatalogue({
    registry,
    caches,
    signingKey: options.harvestKey,
    ...(options.harvestIntervalMs !== undefined ? { harvestIntervalMs: options.harvestIntervalMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    ...(options.harvestLimits ? { harvestLimits: options.harvestLimits } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    logging,
    database,
    ...(options.replication ? { replication: options.replication } : {}),
  });
  const close = async () => {
    await inProcess[Symbol.asyncDispose]();
    await caches[Symbol.asyncDispose]();
    await store?.[Symbol.asyncDispose]();
    await database[Symbol.asyncDispose]();
  };
  await inProcess.start();
  let server: CatalogueServer;
  try {
    server = await serveCatalogue({
      catalogue: inProcess,
      gatewayPublicKey: options.gatewayPublicKey,
      registry: caches.registry,
      ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
      ...(options.maxBodyBytes !== undefined ? { maxBodyBytes: options.maxBodyBytes } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
    });
  } catch (error) {
    await close();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    origin: server.origin,
    url: server.url,
    catalogue: inProcess,
    registry,
    server,
    [Symbol.asyncDispose]() {
      return (stopping ??= (async () => {
        await server[Symbol.asyncDispose]();
        await close();
      })());
    },
  };
}
