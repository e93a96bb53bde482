import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import type { ExecutionRequest } from '@graphql-tools/utils';
import { anonymousConsumer, type Consumer } from '../schema/consumer.ts';
import type { Catalogue } from '../subgraphs/catalogue/createCatalogue.ts';

/**
 * Routes the `catalogue` subgraph to the catalogue running in this process,
 * through Apollo Server's own pipeline, instead of over HTTP.
 */
export function catalogueExecutorPlugin(catalogue: Catalogue, subgraphName = 'catalogue'): GatewayPlugin {
  const execute = (request: ExecutionRequest) =>
    catalogue.execute(
      {
        document: request.document,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.operationName ? { operationName: request.operationName } : {}),
      },
      (request.context as { consumer?: Consumer } | undefined)?.consumer ?? anonymousConsumer,
    );
  return {
    onSubgraphExecute({ subgraphName: name, setExecutor }) {
      if (name === subgraphName) setExecutor(execute as never);
    },
  };
}
