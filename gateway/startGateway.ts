import { readHarvestStatus, requestHarvest } from '../subgraphs/catalogue/durable/harvestWrites.ts';
import type { CatalogueDatabase } from '../subgraphs/catalogue/durable/openCatalogueDatabase.ts';
import { createCaches } from './createCaches.ts';
import { createServiceGateway, listenGatewayService, type GatewayService, type GatewayServiceOptions } from './gatewayService.ts';
import { openRegionRegistry, registryOptionsOf } from './openRegionRegistry.ts';
import { createRemoteCatalogueExecutor } from './remoteCatalogueExecutor.ts';

export interface RemoteCatalogueGatewayOptions extends GatewayServiceOptions {
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
export async function startGateway(options: RemoteCatalogueGatewayOptions): Promise<GatewayService> {
  const { catalogueDatabase: database } = options;
  const caches = createCaches(options.caches);
  const redisReady = caches.ready(3000);
  const { registry, store } = await openRegionRegistry({ ...registryOptionsOf(options), database });
  await redisReady;
  let origin = '';
  const gateway = createServiceGateway(options, {
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
    caches,
    origin: () => origin,
  });
  const service = await listenGatewayService(options, {
    gateway,
    caches,
    registry,
    async close() {
      await gateway[Symbol.asyncDispose]();
      await caches[Symbol.asyncDispose]();
      await store?.[Symbol.asyncDispose]();
      await database[Symbol.asyncDispose]();
    },
  });
  origin = service.origin;
  return service;
}
