import { createServer, type Server } from 'node:http';
import { changeFeedDefaultLimit, changeFeedMaxLimit } from '../../schema/changeFeed.ts';
import { closeHttpServer } from '../shared/closeHttpServer.ts';
import { serveApollo, writeJson } from '../shared/serveApollo.ts';
import type { KeyObject } from 'node:crypto';
import type { RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import { createRegionSubgraph } from './createRegionSubgraph.ts';
import { createLineageRoute } from './lineage/lineageRoute.ts';
import type { LineageProducers } from './lineage/lineageProducers.ts';
import type { LineageLimits } from './lineage/lineageLimits.ts';
import type { DatasetStore } from './store/DatasetStore.ts';
import { listen } from '../shared/listen.ts';
import { createDcatRoutes } from './dcat/createDcatRoutes.ts';
import { formatVersion, pinnedContract } from '../../schema/regionContract.ts';

export interface RegionServerOptions {
  store: DatasetStore;
  /** The region's validated access policies. */
  policies: RegionPolicies;
  /** The gateway's public key, to verify the consumer it signs for each request. */
  gatewayPublicKey?: KeyObject;
  /**
   * Where accepted OpenLineage events are journaled and replayed from at start;
   * without it they live in memory only. Unused when the store keeps its own journal.
   */
  lineageJournalPath?: string;
  /** The OpenLineage producers that may post events (`--lineage-producers`). @default none: lineage posts are refused with 401 */
  lineageProducers?: LineageProducers;
  /** Caps on what lineage producers send. @default `defaultLineageLimits` */
  lineageLimits?: Partial<LineageLimits>;
  /** Loopback by default: a region is exposed on purpose, never by accident. @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** The region's display name, publisher of its DCAT-AP catalogue. @default `Region <code>` */
  name?: string;
  /**
   * The origin others reach this region at (behind a proxy, its public
   * URL); the IRIs of its DCAT-AP export are built on it.
   * @default the origin it listens on
   */
  publicUrl?: string;
}

export interface RegionServer extends AsyncDisposable {
  readonly region: string;
  /** `http://host:port` */
  readonly origin: string;
  /** The subgraph endpoint, `${origin}/graphql`. */
  readonly url: string;
  readonly httpServer: Server;
}

function parseLimit(value: string | null): number | string {
  if (value === null) return changeFeedDefaultLimit;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > changeFeedMaxLimit) {
    return `"limit" must be a whole number from 1 to ${changeFeedMaxLimit}; got "${value}".`;
  }
  return limit;
}

/**
 * Serves one region over HTTP: `/graphql` (the contract), `/changes` (the
 * change feed the catalogue harvests), `/contract` (the SDL it serves, with
 * its version), `/dcat` (its DCAT-AP 3 export), `/policies`, `/api/v1/lineage`
 * and `/health`.
 */
export async function serveRegion(options: RegionServerOptions): Promise<RegionServer> {
  const { store, policies, host = '127.0.0.1', port = 0 } = options;
  const lineage = await createLineageRoute({
    store,
    ...(options.lineageProducers ? { producers: options.lineageProducers } : {}),
    ...(options.lineageJournalPath ? { journalPath: options.lineageJournalPath } : {}),
    ...(options.lineageLimits ? { limits: options.lineageLimits } : {}),
  });
  let origin = '';
  const dcatBaseIri = () => options.publicUrl ?? origin;
  const { server, createContext, evaluator } = createRegionSubgraph({
    store,
    policies,
    dcatBaseIri,
    ...(options.gatewayPublicKey ? { gatewayPublicKey: options.gatewayPublicKey } : {}),
  });
  const dcat = createDcatRoutes({ store, evaluator, createContext, name: options.name ?? `Region ${store.region}`, baseIri: dcatBaseIri });
  await server.start();
  const contract = pinnedContract();

  const httpServer = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const handle = async (): Promise<void> => {
      if (url.pathname === '/dcat' || url.pathname.startsWith('/dcat/')) return dcat.handle(request, response, url);
      switch (url.pathname) {
        case '/graphql':
          return serveApollo(server, request, response, () => createContext(request.headers));
        case '/changes': {
          if (request.method !== 'GET') return writeJson(response, 405, { error: 'Use GET /changes?since=<cursor>.' });
          const limit = parseLimit(url.searchParams.get('limit'));
          if (typeof limit === 'string') return writeJson(response, 400, { error: limit });
          const page = await store.changes(url.searchParams.get('since') ?? undefined, limit);
          return writeJson(response, 200, page);
        }
        case '/api/v1/lineage':
        case '/api/v1/lineage/batch':
          // Authenticated by a producer key, not the gateway's signature: producers post here directly.
          return lineage.handle(request, response, url);
        case '/contract':
          // What the gateway checks before it routes to or harvests this region.
          return writeJson(response, 200, { region: store.region, version: formatVersion(contract.version), sdl: contract.sdl });
        case '/policies':
          // The catalogue applies the region's discover rules inside search; the region stays their author.
          return writeJson(response, 200, { region: store.region, version: policies.version, policies: policies.texts });
        case '/health':
          return writeJson(response, 200, { status: 'ok', region: store.region, datasets: await store.count() });
        default:
          return writeJson(response, 404, { error: `No route ${url.pathname}; try /graphql, /changes, /contract, /dcat, /policies, /api/v1/lineage or /health.` });
      }
    };
    handle().catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', region: store.region, msg: 'request failed', error: String(error) }));
      if (!response.headersSent) writeJson(response, 500, { error: 'Internal error.' });
      else response.destroy();
    });
  });
  origin = await listen(httpServer, port, host);

  return {
    region: store.region,
    origin,
    url: `${origin}/graphql`,
    httpServer,
    async [Symbol.asyncDispose]() {
      await closeHttpServer(httpServer);
      await server.stop();
    },
  };
}
