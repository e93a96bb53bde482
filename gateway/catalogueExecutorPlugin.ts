import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionRequest } from '@graphql-tools/utils';
import type { ExecutionResult } from 'graphql';
import { anonymousConsumer, type Consumer } from '../schema/consumer.ts';
import type { Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';

/** Runs one fetch of the `catalogue` subgraph for the consumer in its context. */
export type CatalogueExecutor = (request: ExecutionRequest) => Promise<ExecutionResult>;

/** The consumer the identity plugin put in a fetch's context; anonymous when there is none. */
export const consumerOf = (request: ExecutionRequest): Consumer => (request.context as { consumer?: Consumer } | undefined)?.consumer ?? anonymousConsumer;

/** Runs the catalogue in this process, through Apollo Server's own pipeline, instead of over HTTP. */
export function inProcessExecutor(catalogue: Catalogue): CatalogueExecutor {
  return (request) =>
    catalogue.execute(
      {
        document: request.document,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.operationName ? { operationName: request.operationName } : {}),
      },
      consumerOf(request),
    );
}

/**
 * Routes the `catalogue` subgraph through `execute`: the catalogue in this
 * process (`inProcessExecutor`) or a catalogue service over HTTP, signed
 * for the consumer (`createRemoteCatalogueExecutor`).
 */
export function catalogueExecutorPlugin(execute: CatalogueExecutor, subgraphName = 'catalogue'): GatewayPlugin {
  return {
    onSubgraphExecute({ subgraphName: name, setExecutor }) {
      if (name === subgraphName) setExecutor(execute as never);
    },
  };
}
