import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { changeFeedDefaultLimit, changeFeedMaxLimit } from '../../schema/changeFeed.ts';
import { closeHttpServer } from '../shared/closeHttpServer.ts';
import { serveApollo, writeJson } from '../shared/serveApollo.ts';
import { BodyTooLargeError, readBody } from '../shared/readJsonBody.ts';
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
import { anonymousConsumer, type Consumer } from '../../schema/consumer.ts';
import { createRegionAuthenticator, RegionAuthError } from './createRegionAuthenticator.ts';
import { regionEndpointOf, regionEndpoints, type RegionEndpointPath } from './regionEndpoints.ts';

export interface RegionServerOptions {
  store: DatasetStore;
  /** The region's validated access policies. */
  policies: RegionPolicies;
  /**
   * The gateway's public key, to verify the requests it signs (and the
   * consumer each is for). Without it only `operatorToken` opens the
   * endpoints reserved for the gateway.
   */
  gatewayPublicKey?: KeyObject;
  /** A bearer token that opens the gateway's endpoints to the region's operator, as an anonymous consumer. */
  operatorToken?: string;
  /**
   * A catalogue service's own harvest key (public half): its signed
   * requests, for no consumer, open `/changes` and `/policies` only.
   * @default none (only the gateway's key and the operator token open them)
   */
  harvesterPublicKey?: KeyObject;
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
 * Serves one region over HTTP: every path in `regionEndpoints`, each behind
 * the credential that list gives it, checked here before any handler runs.
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
  const { server, createContext, evaluator } = createRegionSubgraph({ store, policies, dcatBaseIri });
  const dcat = createDcatRoutes({ store, evaluator, name: options.name ?? `Region ${store.region}`, baseIri: dcatBaseIri });
  const authenticator = createRegionAuthenticator({
    region: store.region,
    ...(options.gatewayPublicKey ? { gatewayPublicKey: options.gatewayPublicKey } : {}),
    ...(options.operatorToken ? { operatorToken: options.operatorToken } : {}),
    ...(options.harvesterPublicKey ? { harvesterPublicKey: options.harvesterPublicKey } : {}),
  });
  await server.start();
  const contract = pinnedContract();

  /** What each endpoint does once its credential has passed; `consumer` is whom the gateway signed for. */
  type Handler = (request: IncomingMessage, response: ServerResponse, url: URL, consumer: Consumer, body: string | undefined) => Promise<void>;
  const handlers: Record<RegionEndpointPath, Handler> = {
    '/contract': async (_request, response) =>
      // What the gateway checks before it routes to or harvests this region.
      writeJson(response, 200, { region: store.region, version: formatVersion(contract.version), sdl: contract.sdl }),
    '/health': async (_request, response) => writeJson(response, 200, { status: 'ok', region: store.region }),
    '/dcat': (request, response, url, consumer) => dcat.handle(request, response, url, consumer),
    '/dcat.jsonld': (request, response, url, consumer) => dcat.handle(request, response, url, consumer),
    '/dcat.ttl': (request, response, url, consumer) => dcat.handle(request, response, url, consumer),
    '/dcat.rdf': (request, response, url, consumer) => dcat.handle(request, response, url, consumer),
    '/graphql': (request, response, _url, consumer, body) => serveApollo(server, request, response, () => createContext(consumer), body),
    '/changes': async (_request, response, url) => {
      const limit = parseLimit(url.searchParams.get('limit'));
      if (typeof limit === 'string') return writeJson(response, 400, { error: limit });
      const page = await store.changes(url.searchParams.get('since') ?? undefined, limit);
      return writeJson(response, 200, page);
    },
    // The catalogue applies the region's discover rules inside search; the region stays their author.
    '/policies': async (_request, response) => writeJson(response, 200, { region: store.region, version: policies.version, policies: policies.texts }),
    // Producers post here directly; the lineage route checks their key before it reads a byte.
    '/api/v1/lineage': (request, response, url) => lineage.handle(request, response, url),
    '/api/v1/lineage/batch': (request, response, url) => lineage.handle(request, response, url),
  };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.url ?? '/';
    const url = new URL(target, 'http://localhost');
    const endpoint = regionEndpointOf(url.pathname);
    if (!endpoint) {
      return writeJson(response, 404, { error: `No route ${url.pathname}; this region serves ${regionEndpoints.map((each) => each.path).join(', ')}.` });
    }
    const method = request.method ?? 'GET';
    if (!(endpoint.methods as readonly string[]).includes(method)) {
      response.setHeader('allow', endpoint.methods.join(', '));
      return writeJson(response, 405, { error: `Use ${endpoint.methods.join(' or ')} ${endpoint.path}.` });
    }
    let consumer: Consumer;
    let body: string | undefined;
    try {
      if (endpoint.credential === 'gateway') {
        // The signature covers the body, so it is read (within the size limit) before anything else.
        if (method === 'POST') body = await readBody(request);
        consumer = authenticator.gateway({ method, target, headers: request.headers, ...(body !== undefined ? { body } : {}) });
      } else if (endpoint.credential === 'harvester') {
        authenticator.harvester({ method, target, headers: request.headers });
        consumer = anonymousConsumer;
      } else if (endpoint.credential === 'public') {
        consumer = authenticator.optional({ method, target, headers: request.headers });
      } else {
        consumer = anonymousConsumer;
      }
    } catch (error) {
      if (error instanceof BodyTooLargeError) return writeJson(response, 413, { error: error.message });
      if (!(error instanceof RegionAuthError)) throw error;
      response.setHeader('www-authenticate', 'Bearer');
      return writeJson(response, 401, endpoint.path === '/graphql' ? { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }] } : { error: error.message });
    }
    return handlers[endpoint.path](request, response, url, consumer, body);
  }

  const httpServer = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', region: store.region, msg: 'request failed', error: String(error) }));
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
