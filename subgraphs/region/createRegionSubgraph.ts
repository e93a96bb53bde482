import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { readRegionContract } from '../../schema/composeSupergraph.ts';
import type { Consumer } from '../../schema/consumer.ts';
import { purposeProblem } from '../../schema/purpose.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord, DistributionRecord } from '../../schema/datasetRecord.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import { createAccessEvaluator, type AccessEvaluator } from '../shared/access/createAccessEvaluator.ts';
import type { RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import { datasetFieldResolvers } from '../shared/datasetFieldResolvers.ts';
import { maskUnexpectedError } from '../shared/maskUnexpectedError.ts';
import type { DatasetStore } from './store/DatasetStore.ts';
import { dcatDatasetDocument } from './dcat/toDcatDataset.ts';
import { regionOperationLimits, withLimitCode, type RegionOperationLimits } from './regionOperationLimits.ts';

export interface RegionContext {
  /** Records by catalogue id, batched per request. */
  datasetById: DataLoader<string, DatasetRecord | undefined>;
  /** Who the request is for, as the gateway signed it. */
  consumer: Consumer;
}

export interface RegionSubgraphOptions {
  store: DatasetStore;
  policies: RegionPolicies;
  /** See `RegionOperationLimits`. @default defaultRegionOperationLimits */
  limits?: RegionOperationLimits;
  /**
   * Where the region's `/dcat` endpoint is reached, for the IRIs in
   * `Dataset.dcat`; read when a request asks (the server may learn its port
   * after the subgraph is built). @default () => 'http://localhost'
   */
  dcatBaseIri?: () => string;
}

/** A distribution as resolved for one consumer: its URLs stay behind unless `read` is allowed. */
type GatedDistribution = DistributionRecord & { readAllowed: boolean; datasetId: string };

const forbidden = (distribution: GatedDistribution) =>
  new WharfError('FORBIDDEN', `You may not read ${distribution.datasetId}; ask Dataset.access for what is missing.`, {
    datasetId: distribution.datasetId,
  });

/**
 * The Apollo subgraph every region runs: the pinned region contract served
 * from one store, decided by the region's own policies. It answers
 * `_entities` for its own region's ids only, and for datasets the consumer
 * may discover only. Who the consumer is, is settled before a request
 * reaches it (`createRegionAuthenticator`).
 */
export function createRegionSubgraph(options: RegionSubgraphOptions): {
  server: ApolloServer<RegionContext>;
  evaluator: AccessEvaluator;
  createContext: (consumer: Consumer) => Promise<RegionContext>;
} {
  const { store, dcatBaseIri = () => 'http://localhost' } = options;
  const evaluator = createAccessEvaluator(options.policies);
  const decide = (context: RegionContext, dataset: DatasetRecord, action: 'discover' | 'read', purpose?: string) =>
    evaluator.decide(context.consumer, { ...dataset.access, region: dataset.region }, action, purpose);

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
              : `${JSON.stringify(reference.id.slice(0, 120))} is not a dataset id; ids look like "${store.region}:<identifier>".`,
            { region: store.region },
          );
        }
        const record = await context.datasetById.load(reference.id);
        // A dataset the consumer may not discover is answered exactly as one that does not exist.
        if (!record || decide(context, record, 'discover').decision === 'DENY') return null;
        return record;
      },
      access(dataset: DatasetRecord, args: { purpose?: string | null }, context: RegionContext) {
        const problem = typeof args.purpose === 'string' ? purposeProblem(args.purpose) : undefined;
        if (problem) throw new WharfError('BAD_USER_INPUT', `"purpose" is not a purpose: ${problem}.`, { argument: 'purpose' });
        return decide(context, dataset, 'read', args.purpose ?? undefined);
      },
      distributions(dataset: DatasetRecord, _: unknown, context: RegionContext): GatedDistribution[] {
        const readAllowed = decide(context, dataset, 'read').decision !== 'DENY';
        return dataset.distributions.map((distribution) => ({ ...distribution, readAllowed, datasetId: dataset.id }));
      },
      dcat(dataset: DatasetRecord, _: unknown, context: RegionContext) {
        const readAllowed = decide(context, dataset, 'read').decision !== 'DENY';
        return JSON.stringify(dcatDatasetDocument(dataset, { baseIri: dcatBaseIri(), readAllowed }));
      },
      ...datasetFieldResolvers,
    },
    Distribution: {
      accessUrl(distribution: GatedDistribution) {
        if (!distribution.readAllowed) throw forbidden(distribution);
        return distribution.accessUrl;
      },
      downloadUrl(distribution: GatedDistribution) {
        if (!distribution.readAllowed) throw forbidden(distribution);
        return distribution.downloadUrl ?? null;
      },
    },
  };
  const schema = buildSubgraphSchema({ typeDefs: parse(readRegionContract()), resolvers: resolvers as never });
  reuseEmptyEntityLists(schema);
  const limits = regionOperationLimits(options.limits);
  const server = new ApolloServer<RegionContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    validationRules: limits.validationRules,
    allowBatchedHttpRequests: false,
    // Inline traces are for Apollo's hosted reporting, which Wharf does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled(), ...limits.plugins],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskUnexpectedError(withLimitCode(formatted), error),
  });

  async function createContext(consumer: Consumer): Promise<RegionContext> {
    return { datasetById: new DataLoader((ids) => store.getMany(ids)), consumer };
  }
  return { server, evaluator, createContext };
}

/** How long an empty `_entities` list may be reused: it holds nothing that can change. */
const emptyEntitiesMaxAgeSeconds = 86_400;

/**
 * A gateway's partition router sends each region every batched `_entities`
 * field, with an empty list where the region owns none of the ids. Apollo
 * gives a root field with no entity the default max-age of 0, which would
 * make the whole answer uncacheable; an empty list gets a long public hint
 * instead, so the answer's policy is that of the entities it does hold.
 */
function reuseEmptyEntityLists(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const resolve = field?.resolve;
  if (!field || !resolve) return;
  field.resolve = (source, args: { representations?: unknown[] }, context, info) => {
    if (Array.isArray(args.representations) && args.representations.length === 0) {
      // Apollo Server's cache control plugin adds `cacheControl` to `info`.
      (info as unknown as { cacheControl?: { setCacheHint(hint: { maxAge: number; scope: 'PUBLIC' }): void } }).cacheControl?.setCacheHint({ maxAge: emptyEntitiesMaxAgeSeconds, scope: 'PUBLIC' });
      return [];
    }
    return resolve(source, args, context, info);
  };
}
