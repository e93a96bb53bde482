import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { parse, type GraphQLFormattedError } from 'graphql';
import { readRegionContract } from '../../schema/composeSupergraph.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import { datasetFieldResolvers } from '../shared/datasetFieldResolvers.ts';
import { maskUnexpectedError } from '../shared/maskUnexpectedError.ts';
import type { DatasetStore } from './store/DatasetStore.ts';

export interface RegionContext {
  /** Records by catalogue id, batched per request. */
  datasetById: DataLoader<string, DatasetRecord | undefined>;
}

/**
 * The Apollo subgraph every region runs: the pinned region contract served
 * from one store. It answers `_entities` for its own region's ids only.
 */
export function createRegionSubgraph(store: DatasetStore): {
  server: ApolloServer<RegionContext>;
  createContext: () => Promise<RegionContext>;
} {
  const resolvers = {
    Dataset: {
      async __resolveReference(reference: { id: string }, context: RegionContext) {
        const owner = regionOfDatasetId(reference.id);
        if (owner !== store.region) {
          // One wrong id is one null with this error; the rest of the batch is answered.
          throw new WharfError(
            'WRONG_REGION',
            owner
              ? `Dataset "${reference.id}" belongs to region ${owner}; region ${store.region} serves only ids starting "${store.region}:".`
              : `"${reference.id}" is not a dataset id; ids look like "${store.region}:<identifier>".`,
            { region: store.region },
          );
        }
        return (await context.datasetById.load(reference.id)) ?? null;
      },
      ...datasetFieldResolvers,
    },
  };
  const schema = buildSubgraphSchema({ typeDefs: parse(readRegionContract()), resolvers: resolvers as never });
  const server = new ApolloServer<RegionContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Inline traces are for Apollo's hosted reporting, which Wharf does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskUnexpectedError(formatted, error),
  });
  const createContext = async (): Promise<RegionContext> => ({
    datasetById: new DataLoader((ids) => store.getMany(ids)),
  });
  return { server, createContext };
}
