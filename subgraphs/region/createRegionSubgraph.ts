import type { KeyObject } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { parse, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { readRegionContract } from '../../schema/composeSupergraph.ts';
import { anonymousConsumer, ConsumerHeaderError, consumerHeader, verifyConsumer, type Consumer } from '../../schema/consumer.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { DatasetRecord, DistributionRecord } from '../../schema/datasetRecord.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import { createAccessEvaluator, type AccessEvaluator } from '../shared/access/createAccessEvaluator.ts';
import type { RegionPolicies } from '../shared/access/loadRegionPolicies.ts';
import { datasetFieldResolvers } from '../shared/datasetFieldResolvers.ts';
import { maskUnexpectedError } from '../shared/maskUnexpectedError.ts';
import type { DatasetStore } from './store/DatasetStore.ts';
import { dcatDatasetDocument } from './dcat/toDcatDataset.ts';

export interface RegionContext {
  /** Records by catalogue id, batched per request. */
  datasetById: DataLoader<string, DatasetRecord | undefined>;
  /** Who the request is for, as the gateway signed it; anonymous without a header. */
  consumer: Consumer;
}

export interface RegionSubgraphOptions {
  store: DatasetStore;
  policies: RegionPolicies;
  /** The gateway's Ed25519 public key; without one, a consumer header is refused and every request is anonymous. */
  gatewayPublicKey?: KeyObject;
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
 * may discover only.
 */
export function createRegionSubgraph(options: RegionSubgraphOptions): {
  server: ApolloServer<RegionContext>;
  evaluator: AccessEvaluator;
  createContext: (headers: Record<string, string | string[] | undefined>) => Promise<RegionContext>;
} {
  const { store, gatewayPublicKey, dcatBaseIri = () => 'http://localhost' } = options;
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
              : `"${reference.id}" is not a dataset id; ids look like "${store.region}:<identifier>".`,
            { region: store.region },
          );
        }
        const record = await context.datasetById.load(reference.id);
        if (!record) return null;
        if (decide(context, record, 'discover').decision === 'DENY') {
          throw new WharfError('FORBIDDEN', `You may not discover ${reference.id}.`, { datasetId: reference.id });
        }
        return record;
      },
      access: (dataset: DatasetRecord, args: { purpose?: string | null }, context: RegionContext) =>
        decide(context, dataset, 'read', args.purpose ?? undefined),
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
  const server = new ApolloServer<RegionContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Inline traces are for Apollo's hosted reporting, which Wharf does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskUnexpectedError(formatted, error),
  });

  /**
   * Only the gateway's signed header says who the consumer is; any other
   * client header is ignored. A header that does not verify fails the request.
   */
  async function createContext(headers: Record<string, string | string[] | undefined>): Promise<RegionContext> {
    const header = headers[consumerHeader];
    let consumer = anonymousConsumer;
    if (header !== undefined) {
      if (typeof header !== 'string' || !gatewayPublicKey) {
        throw new WharfError('UNAUTHENTICATED', `Region ${store.region} does not accept this ${consumerHeader} header.`, { http: { status: 401 } });
      }
      try {
        consumer = verifyConsumer(header, gatewayPublicKey);
      } catch (error) {
        if (!(error instanceof ConsumerHeaderError) && !(error instanceof SyntaxError)) throw error;
        throw new WharfError('UNAUTHENTICATED', `Region ${store.region} rejected the ${consumerHeader} header: ${(error as Error).message}`, { http: { status: 401 } });
      }
    }
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
