import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { listen } from '../subgraphs/shared/listen.ts';
import { closeHttpServer } from '../subgraphs/shared/closeHttpServer.ts';
import type { ProbeAnswer } from '../subgraphs/catalogue/durable/replicationProbes.ts';

/**
 * Where a server is in its life: `starting` until it listens, `started`
 * while it serves, `draining` from the first dispose (no new connections;
 * requests under way finish), `stopped` once everything is closed.
 */
export type WharfPhase = 'starting' | 'started' | 'draining' | 'stopped';

export interface ServeGatewayOptions {
  host: string;
  port: number;
  /** Longest wait for in-flight requests at shutdown, in milliseconds. */
  shutdownTimeoutMs: number;
  /**
   * Answers `GET /ready` and `GET /health` in place of the runtime's own (a
   * durable catalogue replica's readiness, see `answerReplicationProbe`).
   * @default the runtime's
   */
  probe?: (path: '/ready' | '/health', request: IncomingMessage) => ProbeAnswer;
  /** Everything to close once the server has drained, in order. */
  stop: () => Promise<void>;
}

export interface ServedGateway extends AsyncDisposable {
  readonly origin: string;
  readonly httpServer: Server;
  readonly phase: WharfPhase;
}

/**
 * The gateway runtime on its own HTTP server, with the shutdown order every
 * Wharf gateway follows: stop accepting connections; let requests under
 * way finish, for up to `shutdownTimeoutMs`; then `stop` (harvests, the
 * runtime, Redis, PostgreSQL). Disposing twice waits for the one shutdown.
 */
export async function serveGateway(gateway: GatewayRuntime, options: ServeGatewayOptions): Promise<ServedGateway> {
  const { probe } = options;
  let phase: WharfPhase = 'starting';
  const httpServer = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = probe && request.method === 'GET' ? new URL(request.url ?? '/', 'http://localhost').pathname : undefined;
    if (probe && (path === '/ready' || path === '/health')) {
      const answer = probe(path, request);
      const body = JSON.stringify(answer.body);
      response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
      response.end(body);
      return;
    }
    void gateway(request, response);
  });
  // While draining, each finished response frees its keep-alive connection, so no client can hold the server open.
  httpServer.on('request', (_request, response) => {
    response.on('finish', () => {
      if (phase === 'draining') setImmediate(() => httpServer.closeIdleConnections());
    });
  });
  const origin = await listen(httpServer, options.port, options.host);
  phase = 'started';
  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    phase = 'draining';
    await closeHttpServer(httpServer, options.shutdownTimeoutMs);
    await options.stop();
    phase = 'stopped';
  }
  return {
    origin,
    httpServer,
    get phase() {
      return phase;
    },
    [Symbol.asyncDispose]() {
      return (stopping ??= stop());
    },
  };
}
