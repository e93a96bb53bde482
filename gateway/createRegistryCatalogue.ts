import type { KeyObject } from 'node:crypto';
import { signedRequestHeader, signRegionRequest } from '../schema/signedRequest.ts';
import { createCatalogue, type Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';
import type { HarvestLimits } from '../subgraphs/catalogue/createHarvester.ts';
import type { ReplicationOptions } from '../subgraphs/catalogue/durable/createReplication.ts';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { createReplicationMetrics } from '../subgraphs/catalogue/durable/replicationMetrics.ts';
import type { GatewayCaches } from './createCaches.ts';
import type { RegionRegistry } from './createRegionRegistry.ts';

export interface RegistryCatalogueOptions {
  registry: RegionRegistry;
  /** The search cache and the metrics registry replication reports to. */
  caches: GatewayCaches;
  /** The key harvests are signed with. */
  signingKey: KeyObject;
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  /** See `HarvestLimits`: each one given replaces its default. */
  harvestLimits?: Partial<HarvestLimits>;
  /** See `CatalogueOptions.cacheDecisions`. @default true */
  cacheDecisions?: boolean;
  fetch?: typeof globalThis.fetch;
  /** False keeps harvest problems and replication out of the log. */
  logging: boolean;
  /** The catalogue's database: the catalogue is one replica of the durable catalogue. @default none, in this process only */
  database?: CatalogueDatabase;
  /** See `ReplicationOptions` (this replica's name, election and poll intervals). */
  replication?: Omit<ReplicationOptions, 'database'>;
}

/**
 * The catalogue of a gateway or catalogue process: it harvests the
 * registry's regions, each once it serves the pinned contract, and follows
 * the registry as regions are added and removed. With a database, it is a
 * replica whose lag and role are counted in the caches' metrics registry.
 */
export async function createRegistryCatalogue(options: RegistryCatalogueOptions): Promise<Catalogue> {
  const { registry, caches, database, logging } = options;
  let catalogue: Catalogue | undefined;
  const metrics = database ? createReplicationMetrics(caches.registry, () => catalogue?.replication?.status()) : undefined;
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
    ...(logging ? { onHarvestProblem: (region: string, detail: string) => console.warn(JSON.stringify({ level: 'warn', msg: 'region harvest problem', region, detail })) } : {}),
    // A region is harvested only once it serves the pinned contract; checked again at each full reconcile.
    admit: async (region, recheck) => void (await registry.verify(region, { recheck })),
    ...(database
      ? {
          durable: {
            ...options.replication,
            database,
            onApplied: (lagMs: number) => metrics!.applied(lagMs),
            onRoleChange: (role: 'leader' | 'follower') => metrics!.roleChanged(role),
            ...(!logging && !options.replication?.log ? { log: () => undefined } : {}),
          },
        }
      : {}),
  });
  const created = catalogue;
  registry.subscribe({
    added(region) {
      created.harvester.addRegion(region);
      void created.harvester.harvest(region.code).catch(() => undefined);
    },
    removed: (code) => created.harvester.removeRegion(code).then(() => undefined),
  });
  return created;
}
