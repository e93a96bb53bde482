import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { readCatalogueSdl } from '../../schema/composeSupergraph.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { datasetFieldResolvers } from '../shared/datasetFieldResolvers.ts';
import { maskUnexpectedError } from '../shared/maskUnexpectedError.ts';
import { createCatalogueIndex, type CatalogueIndex } from './createCatalogueIndex.ts';
import { createHarvester, type Harvester, type RegionHarvestState } from './createHarvester.ts';
import { createSearchResolvers } from './searchResolvers.ts';

export interface CatalogueOptions {
  regions: readonly RegionEntry[];
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  fetch?: typeof globalThis.fetch;
}

/** One operation as the gateway hands it to a subgraph. */
export interface CatalogueRequest {
  document: DocumentNode;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface Catalogue extends AsyncDisposable {
  readonly index: CatalogueIndex;
  readonly harvester: Harvester;
  readonly server: ApolloServer;
  /** Runs one operation in-process through Apollo Server's request pipeline. */
  execute(request: CatalogueRequest): Promise<ExecutionResult>;
  /** Harvests every region once, then keeps harvesting on the interval. */
  start(): Promise<void>;
}

function regionView(state: RegionHarvestState, index: CatalogueIndex) {
  return {
    code: state.region.code,
    name: state.region.name,
    url: state.region.url,
    datasetCount: index.regionIds(state.region.code).size,
    lastHarvestAt: state.lastHarvestAt?.toISOString() ?? null,
    lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
    harvestLagMs: state.lastSuccessAt ? Date.now() - state.lastSuccessAt.getTime() : null,
    lastError: state.lastError ?? null,
    stale: state.stale,
  };
}

/**
 * The catalogue subgraph: search, dataset lookup, regions and lineage, all
 * answered from the harvested index. It runs in the gateway's process.
 */
export async function createCatalogue(options: CatalogueOptions): Promise<Catalogue> {
  const index = createCatalogueIndex();
  const harvester = createHarvester({
    regions: options.regions,
    index,
    ...(options.harvestIntervalMs !== undefined ? { intervalMs: options.harvestIntervalMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const known = (id: string | undefined): DatasetRecord[] => {
    const record = id === undefined ? undefined : index.get(id);
    return record ? [record] : [];
  };

  const resolvers = {
    Query: {
      dataset: (_: unknown, args: { id: string }) => index.get(args.id) ?? null,
      datasets: (_: unknown, args: { ids: string[] }) => args.ids.map((id) => index.get(id) ?? null),
      regions: () => harvester.states().map((state) => regionView(state, index)),
      ...createSearchResolvers(index),
    },
    Dataset: {
      __resolveReference: (reference: { id: string }) => index.get(reference.id) ?? null,
      // Edges to datasets no region publishes any more are left out: they vanish with the dataset.
      upstream: (dataset: DatasetRecord) => dataset.lineage.flatMap((edge) => known(edge.upstream)),
      downstream: (dataset: DatasetRecord) => index.downstreamIds(dataset.id).flatMap((id) => known(id)),
      ...datasetFieldResolvers,
    },
  };

  const schema = buildSubgraphSchema({ typeDefs: parse(readCatalogueSdl()), resolvers: resolvers as never });
  const server = new ApolloServer({
    schema,
    includeStacktraceInErrorResponses: false,
    // Inline traces are for Apollo's hosted reporting, which Wharf does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskUnexpectedError(formatted, error),
  });
  await server.start();

  return {
    index,
    harvester,
    server,
    async execute(request) {
      const response = await server.executeOperation({
        query: request.document,
        ...(request.variables ? { variables: request.variables } : {}),
        ...(request.operationName ? { operationName: request.operationName } : {}),
      });
      if (response.body.kind !== 'single') throw new Error('The catalogue answered an incremental result; it serves none.');
      const { data, errors } = response.body.singleResult;
      // Formatted errors are plain objects; the engine expects GraphQLError instances, as from any subgraph.
      return {
        data: data as ExecutionResult['data'],
        ...(errors
          ? { errors: errors.map((error) => new GraphQLError(error.message, { ...(error.path ? { path: error.path } : {}), ...(error.extensions ? { extensions: error.extensions } : {}) })) }
          : {}),
      };
    },
    async start() {
      await harvester.harvestAll();
      harvester.start();
    },
    async [Symbol.asyncDispose]() {
      await harvester[Symbol.asyncDispose]();
      await server.stop();
    },
  };
}
