import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { Registry } from 'prom-client';
import { anonymousConsumer } from '../../schema/consumer.ts';
import { createReplayGuard, signedRequestHeader, SignedRequestError, verifyRegionRequest } from '../../schema/signedRequest.ts';
import { closeHttpServer } from '../shared/closeHttpServer.ts';
import { listen } from '../shared/listen.ts';
import { BodyTooLargeError, readBody } from '../shared/readJsonBody.ts';
import { serveApollo, writeJson } from '../shared/serveApollo.ts';
import { catalogueAudience, catalogueEndpoints, type CatalogueEndpointPath } from './catalogueEndpoints.ts';
import type { Catalogue } from './createCatalogue.ts';
import { answerReplicationProbe, bearerMatches } from './durable/replicationProbes.ts';

export interface CatalogueServerOptions {
  catalogue: Catalogue;
  /** The gateway's Ed25519 public key: only requests it signs for the audience `catalogue` reach `/graphql`. */
  gatewayPublicKey: KeyObject;
  /** Served at `/metrics`, behind `metricsToken`. */
  registry: Registry;
  /** The bearer credential `/metrics` asks for (`WHARF_METRICS_TOKEN`); undefined, it answers 401. */
  metricsToken?: string;
  /** Largest `/graphql` body read, in bytes (`WHARF_MAX_BODY_BYTES`). @default 1048576 */
  maxBodyBytes?: number;
  /** Loopback by default: the service is reached by gateways, and exposed on purpose. @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Longest wait for requests under way at shutdown, in milliseconds. @default 10000 */
  shutdownTimeoutMs?: number;
}

export interface CatalogueServer extends AsyncDisposable {
  readonly origin: string;
  /** `${origin}/graphql`: what gateways take as `--catalogue-url`. */
  readonly url: string;
  readonly httpServer: Server;
}

/**
 * Serves the catalogue subgraph alone, as gateways reach it over HTTP
 * (`wharf catalogue`): every path in `catalogueEndpoints`, each behind the
 * credential that list gives it. `/graphql` answers only requests the
 * gateway signed for the audience `catalogue`, and answers them for the
 * consumer in the signature, exactly as the catalogue in a gateway's
 * process does; a signature is taken once (nonces remembered until they
 * expire, bounded).
 */
export async function serveCatalogue(options: CatalogueServerOptions): Promise<CatalogueServer> {
  const { catalogue, gatewayPublicKey, registry, metricsToken, maxBodyBytes = 1_048_576, host = '127.0.0.1', port = 0, shutdownTimeoutMs = 10_000 } = options;
  const replay = createReplayGuard();

  const refuse = (response: ServerResponse, status: number, code: string, error: string) => {
    if (status === 401) response.setHeader('www-authenticate', 'Bearer');
    writeJson(response, status, { code, error });
  };

  function probe(path: '/health' | '/ready', request: IncomingMessage, response: ServerResponse): void {
    const replication = catalogue.replication;
    if (!replication) return writeJson(response, 200, path === '/ready' ? { ready: true } : { status: 'ok' });
    const answer = answerReplicationProbe(path, replication.status(), request.headers.authorization, metricsToken);
    response.setHeader('cache-control', 'no-store');
    writeJson(response, answer.status, answer.body);
  }

  const handlers: Record<CatalogueEndpointPath, (request: IncomingMessage, response: ServerResponse, target: string) => Promise<void>> = {
    '/graphql': async (request, response, target) => {
      let body: string;
      try {
        body = await readBody(request, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLargeError) return refuse(response, 413, 'LIMIT_EXCEEDED', `The request body is larger than ${maxBodyBytes} bytes (WHARF_MAX_BODY_BYTES).`);
        throw error;
      }
      const header = request.headers[signedRequestHeader];
      if (typeof header !== 'string') {
        return refuse(response, 401, 'UNAUTHENTICATED', `The catalogue serves /graphql only to its gateways: send the request signed with the gateway's key for the audience "${catalogueAudience}" (${signedRequestHeader}).`);
      }
      let consumer;
      try {
        consumer = verifyRegionRequest(header, gatewayPublicKey, { region: catalogueAudience, method: 'POST', target, body }, replay).consumer;
      } catch (error) {
        if (error instanceof SignedRequestError) return refuse(response, 401, 'UNAUTHENTICATED', `The catalogue refused the request signature: ${error.message}`);
        throw error;
      }
      // A signature without a consumer is the gateway's own request: anonymous.
      return serveApollo(catalogue.server, request, response, async () => ({ consumer: consumer ?? anonymousConsumer }), body);
    },
    '/health': async (request, response) => probe('/health', request, response),
    '/ready': async (request, response) => probe('/ready', request, response),
    '/metrics': async (request, response) => {
      if (!metricsToken) return refuse(response, 401, 'UNAUTHENTICATED', 'Metrics are off: start the catalogue with WHARF_METRICS_TOKEN and scrape with "Authorization: Bearer <token>".');
      if (!bearerMatches(request.headers.authorization, metricsToken)) return refuse(response, 401, 'UNAUTHENTICATED', 'Metrics need "Authorization: Bearer <token>" with the metrics token.');
      const text = await registry.metrics();
      response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      response.end(text);
    },
  };

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.url ?? '/';
    const pathname = new URL(target, 'http://localhost').pathname;
    const endpoint = catalogueEndpoints.find((each) => each.path === pathname);
    if (!endpoint) return writeJson(response, 404, { error: `No route ${pathname.slice(0, 100)}; the catalogue serves ${catalogueEndpoints.map((each) => each.path).join(', ')}.` });
    const method = request.method ?? 'GET';
    if (!(endpoint.methods as readonly string[]).includes(method)) {
      response.setHeader('allow', endpoint.methods.join(', '));
      return writeJson(response, 405, { error: `Use ${endpoint.methods.join(' or ')} ${endpoint.path}.` });
    }
    return handlers[endpoint.path](request, response, target);
  }

  const httpServer = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', msg: 'catalogue request failed', error: String(error) }));
      if (!response.headersSent) writeJson(response, 500, { code: 'INTERNAL_SERVER_ERROR', error: 'Internal error.' });
      else response.destroy();
    });
  });
  const origin = await listen(httpServer, port, host);
  return {
    origin,
    url: `${origin}/graphql`,
    httpServer,
    async [Symbol.asyncDispose]() {
      await closeHttpServer(httpServer, shutdownTimeoutMs);
    },
  };
}
