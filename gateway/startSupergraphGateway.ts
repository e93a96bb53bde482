import { createServer, type Server } from 'node:http';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { unifiedGraphHandler } from '@graphql-hive/router-runtime';
import { closeHttpServer } from '../subgraphs/shared/closeHttpServer.ts';
import { maskError } from './maskError.ts';
import { listen } from '../subgraphs/shared/listen.ts';

export interface SupergraphGatewayOptions {
  supergraphSdl: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 4000 */
  port?: number;
  logging?: 'debug' | 'info' | 'warn' | 'error' | false;
}

export interface SupergraphGateway extends AsyncDisposable {
  readonly origin: string;
  readonly gateway: GatewayRuntime;
  readonly httpServer: Server;
}

/**
 * Wharf's federation engine over any Federation 2 supergraph, subgraphs
 * reached over HTTP at the URLs the supergraph names: no catalogue, no
 * partitioned regions. For fronting another federation, running public
 * benchmark workloads, and the federation-gateway-audit.
 */
export async function startSupergraphGateway(options: SupergraphGatewayOptions): Promise<SupergraphGateway> {
  const { host = '127.0.0.1', port = 4000 } = options;
  const gateway = createGatewayRuntime({
    supergraph: options.supergraphSdl,
    unifiedGraphHandler,
    logging: options.logging ?? 'warn',
    maskedErrors: { maskError },
    healthCheckEndpoint: '/health',
    readinessCheckEndpoint: '/ready',
  });
  const httpServer = createServer(gateway);
  const origin = await listen(httpServer, port, host);
  return {
    origin,
    gateway,
    httpServer,
    async [Symbol.asyncDispose]() {
      await closeHttpServer(httpServer);
      await gateway[Symbol.asyncDispose]();
    },
  };
}
