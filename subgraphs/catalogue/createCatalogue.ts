import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type DocumentNode, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import { readCatalogueSdl } from '../../schema/composeSupergraph.ts';
import { parseExternalDatasetId, type DatasetRecord } from '../../schema/datasetRecord.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { RegionRequest } from '../../schema/signedRequest.ts';
import type { RegionEntry } from '../../schema/regionEntry.ts';
import { datasetFieldResolvers } from '../shared/datasetFieldResolvers.ts';
import { maskUnexpectedError } from '../shared/maskUnexpectedError.ts';
import type { TieredCache } from '../shared/cache/createTieredCache.ts';
import type { CatalogueContext } from './catalogueContext.ts';
import { createCatalogueIndex, type CatalogueIndex } from './createCatalogueIndex.ts';
import { anonymousConsumer, type Consumer } from '../../schema/consumer.ts';
import { createDiscovery, type Discovery } from './createDiscovery.ts';
import { createHarvester, type Harvester, type HarvesterOptions, type RegionHarvestState } from './createHarvester.ts';
import { createSearchResolvers } from './searchResolvers.ts';
import { summariseQuality } from '../shared/quality/summariseQuality.ts';
import { inJurisdiction, traverseLineage, type LineageDirection } from './lineageQueries.ts';
import { edgeView } from './lineageEdgeView.ts';
import { createReplication, type Replication, type ReplicationOptions } from './durable/createReplication.ts';

export interface CatalogueOptions {
  regions: readonly RegionEntry[];
  /** See `HarvesterOptions.intervalMs`. @default 30000 */
  harvestIntervalMs?: number;
  /** See `HarvesterOptions.reconcileIntervalMs`. @default 3600000 */
  reconcileIntervalMs?: number;
  fetch?: typeof globalThis.fetch;
  /** See `HarvesterOptions.signRequest`. */
  signRequest?: (request: RegionRequest) => Record<string, string>;
  /** Memoise access decisions and discoverable sets. @default true */
  cacheDecisions?: boolean;
  /** Keeps search result pages (see `createSearchResolvers`). @default none */
  searchCache?: TieredCache;
  /** See `HarvesterOptions.admit`: the gateway's contract check. */
  admit?: HarvesterOptions['admit'];
  /** See `HarvestLimits`: each one given replaces its default. */
  harvestLimits?: HarvesterOptions['limits'];
  /** See `HarvesterOptions.onProblem`: the operator's log. */
  onHarvestProblem?: HarvesterOptions['onProblem'];
  /**
   * Makes the catalogue one replica of a durable catalogue in PostgreSQL
   * (see `createReplication`): its index is applied from the database, and
   * it harvests only while it leads. @default none: one process, in memory
   */
  durable?: ReplicationOptions;
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
  readonly discovery: Discovery;
  readonly server: ApolloServer<CatalogueContext>;
  /** Runs one operation for `consumer`, in-process, through Apollo Server's request pipeline. */
  execute(request: CatalogueRequest, consumer?: Consumer): Promise<ExecutionResult>;
  /**
   * In one process: harvests every region once, then keeps harvesting on the
   * interval. A durable replica: starts following the database and taking
   * part in the leader's election, and resolves at once (see `replication`).
   */
  start(): Promise<void>;
  /** Harvests a region now (a webhook ping): here, or through the database by whichever replica leads. */
  requestHarvest(code: string): Promise<void>;
  /** The durable replica's state; undefined in one process. */
  readonly replication: Replication | undefined;
}

/** Most ids `Query.datasets` takes at once; more is refused with `BAD_USER_INPUT`. The gateway's cost estimate counts each id. */
export const maxDatasetIds = 100;

function parseSince(since: string): number {
  const time = Date.parse(since);
  if (!/^\d{4}-\d{2}/.test(since) || Number.isNaN(time)) {
    throw new WharfError('BAD_USER_INPUT', `"since" must be an ISO 8601 date such as "2024-05-01"; got "${since}".`, { argumentName: 'since' });
  }
  return time;
}

/**
 * What consumers are told of a region's last harvest. The detail (status
 * codes, timings, what the region answered) is the operator's, in the log
 * and `GET /admin/regions`: in public it would describe the region's network
 * and let a hostile region probe the gateway's.
 */
export const publicHarvestErrors = {
  failed: 'The last harvest failed; the catalogue serves the last good copy.',
  skipped: 'The last harvest skipped records that are not valid datasets.',
} as const;

/**
 * A region as `Query.regions` shows it to a consumer. Its counts and quality
 * are over the datasets the consumer may discover (`canSee`): a total that
 * counted hidden datasets would reveal them, and a mean score that included
 * one would give its score away.
 */
function regionView(state: RegionHarvestState, index: CatalogueIndex, canSee: (id: string) => boolean) {
  let datasetCount = 0;
  for (const id of index.regionIds(state.region.code)) if (canSee(id)) datasetCount += 1;
  return {
    code: state.region.code,
    name: state.region.name,
    datasetCount,
    /** Read by `Region.quality`, for the same consumer. */
    canSee,
    lastHarvestAt: state.lastHarvestAt?.toISOString() ?? null,
    lastSuccessAt: state.lastSuccessAt?.toISOString() ?? null,
    harvestLagMs: state.lastSuccessAt ? Date.now() - state.lastSuccessAt.getTime() : null,
    lastError: state.stale ? publicHarvestErrors.failed : state.skippedRecords > 0 ? publicHarvestErrors.skipped : null,
    stale: state.stale,
  };
}

/**
 * The catalogue subgraph: search, dataset lookup, regions and lineage, all
 * answered from the harvested index. It runs in the gateway's process.
 */
export async function createCatalogue(options: CatalogueOptions): Promise<Catalogue> {
  const index = createCatalogueIndex();
  const discovery = createDiscovery(index, { cache: options.cacheDecisions ?? true });
  const replication = options.durable ? createReplication({ ...options.durable, index, discovery }) : undefined;
  const harvester = createHarvester({
    ...(replication ? { sink: replication.sink, canHarvest: () => replication.canHarvest() } : {}),
    regions: options.regions,
    index,
    onPolicies: (policies) => discovery.setPolicies(policies),
    policyVersion: (region) => discovery.policyVersion(region),
    ...(options.harvestIntervalMs !== undefined ? { intervalMs: options.harvestIntervalMs } : {}),
    ...(options.reconcileIntervalMs !== undefined ? { reconcileIntervalMs: options.reconcileIntervalMs } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signRequest ? { signRequest: options.signRequest } : {}),
    ...(options.admit ? { admit: options.admit } : {}),
    ...(options.harvestLimits ? { limits: options.harvestLimits } : {}),
    ...(options.onHarvestProblem ? { onProblem: options.onHarvestProblem } : {}),
  });
  /** The record, when it exists and the consumer may discover it. */
  const visible = (id: string, context: CatalogueContext): DatasetRecord | null => {
    const record = index.get(id);
    return record && discovery.canDiscover(context.consumer, record) ? record : null;
  };
  /**
   * The error for an id whose region prefix names a region the catalogue does
   * not harvest (nor the gateway route): `UNKNOWN_REGION`, not an absent
   * dataset. An id without a well-formed prefix is simply not there.
   */
  const unroutedRegion = (id: string): WharfError | undefined => {
    const region = regionOfDatasetId(id);
    const routed = harvester.states().map((state) => state.region.code);
    // A region whose datasets the index holds is known, however they came there.
    if (!region || routed.includes(region) || index.regionIds(region).size > 0) return undefined;
    const shown = id.length > 100 ? `${id.slice(0, 100)}…` : id;
    return new WharfError('UNKNOWN_REGION', `Dataset ${JSON.stringify(shown)} names region ${region}, which this gateway does not route to (it routes ${routed.join(', ')}).`, { region });
  };

  /** Whether the consumer may discover each dataset, by id: one discoverable set, read per id (false for an id not held). */
  const discoverableIds = (context: CatalogueContext) => {
    const set = discovery.discoverable(context.consumer);
    return (id: string) => {
      const doc = index.documentOf(id);
      return doc !== undefined && set.has(doc);
    };
  };
  /** A lineage neighbour: in full, as a restricted stub, or left out when no region publishes it any more. */
  const neighbour = (id: string, context: CatalogueContext) => {
    const external = parseExternalDatasetId(id);
    if (external) return [{ __typename: 'ExternalDataset', id, ...external }];
    const record = index.get(id);
    if (!record) return [];
    return [discovery.canDiscover(context.consumer, record) ? record : { __typename: 'RestrictedDataset', id }];
  };

  const resolvers = {
    Query: {
      dataset: (_: unknown, args: { id: string }, context: CatalogueContext) => {
        const unrouted = unroutedRegion(args.id);
        if (unrouted) throw unrouted;
        return visible(args.id, context);
      },
      datasets(_: unknown, args: { ids: string[] }, context: CatalogueContext) {
        if (args.ids.length > maxDatasetIds) {
          throw new WharfError('BAD_USER_INPUT', `"ids" lists ${args.ids.length} ids; at most ${maxDatasetIds}.`, { argumentName: 'ids', max: maxDatasetIds });
        }
        // An error in the list nulls that item alone, with the error at its index.
        return args.ids.map((id) => unroutedRegion(id) ?? visible(id, context));
      },
      regions: (_: unknown, __: unknown, context: CatalogueContext) => {
        const canSee = discoverableIds(context);
        return harvester.states().map((state) => regionView(state, index, canSee));
      },
      ...createSearchResolvers(index, discovery, options.searchCache),
      lineage(_: unknown, args: { id: string; direction?: LineageDirection | null; depth?: number | null; since?: string | null }, context: CatalogueContext) {
        const sinceMs = args.since ? parseSince(args.since) : undefined;
        const root = visible(args.id, context);
        if (!root) return null;
        const stale = (region: string) => harvester.states().find((state) => state.region.code === region)?.stale;
        const canSee = discoverableIds(context);
        // What the consumer may not discover is shown by its id, never walked through (see `traverseLineage`).
        const traversal = traverseLineage(index, args.id, args.direction ?? 'UPSTREAM', args.depth ?? 3, stale, sinceMs, (id) => !canSee(id))!;
        // Nodes and edges are built only for the fields the query selects (the default resolver calls a function).
        return {
          root,
          nodes: () => {
            const hidden = traversal.hiddenIds();
            return traversal.nodeIds().flatMap((id) => (hidden.has(id) ? [{ __typename: 'RestrictedDataset', id }] : neighbour(id, context)));
          },
          edges: () => traversal.edges(),
          isPartial: traversal.partialRegions.length > 0,
          partialRegions: traversal.partialRegions,
        };
      },
      crossBorderFlows(_: unknown, args: { from?: string | null; to?: string | null; since?: string | null; first?: number | null }, context: CatalogueContext) {
        const first = args.first ?? 100;
        if (!Number.isInteger(first) || first < 1 || first > 1000) {
          throw new WharfError('BAD_USER_INPUT', `"first" must be from 1 to 1000; got ${first}.`, { argumentName: 'first' });
        }
        const since = args.since ? parseSince(args.since) : undefined;
        const flows = [];
        const graph = index.lineageGraph;
        const table = graph.edgeTable();
        const canSee = discoverableIds(context);
        // Ordered by downstream id, then as the downstream declares its edges: a stable answer for audits.
        for (const downstreamId of index.idsWithLineage()) {
          // A hidden dataset's edges are not shown; a visible one's edge to a hidden upstream is masked, so never cross-border.
          if (!canSee(downstreamId)) continue;
          const down = graph.find(downstreamId)!;
          const slots = graph.edgeSlotsOf(down);
          for (let slot = slots.from; slot < slots.to; slot += 1) {
            if (since !== undefined && table.observedMs[slot]! < since) continue;
            const up = table.upstream[slot]!;
            const view = edgeView(graph, up, down, table.records[slot]!, 1, graph.isPresent(up) && !canSee(graph.ids[up]!));
            if (!view.crossBorder || !inJurisdiction(view.fromJurisdiction, args.from) || !inJurisdiction(view.toJurisdiction, args.to)) continue;
            const [upstreamNode] = neighbour(view.upstream, context);
            const [downstreamNode] = neighbour(downstreamId, context);
            flows.push({ edge: view, upstream: upstreamNode, downstream: downstreamNode });
            if (flows.length === first) return flows;
          }
        }
        return flows;
      },
    },
    Region: {
      quality: (region: { code: string; canSee: (id: string) => boolean }) => summariseQuality(index.regionQualityMasks(region.code, region.canSee)),
    },
    LineageNode: {
      __resolveType: (node: { __typename?: string }) => node.__typename ?? 'Dataset',
    },
    Dataset: {
      __resolveReference: (reference: { id: string }, context: CatalogueContext) => visible(reference.id, context),
      upstream: (dataset: DatasetRecord, _: unknown, context: CatalogueContext) => dataset.lineage.flatMap((edge) => neighbour(edge.upstream, context)),
      // Derived datasets the consumer may not discover are left out: that one derives from this is the hidden dataset's own declaration.
      downstream: (dataset: DatasetRecord, _: unknown, context: CatalogueContext) => {
        const canSee = discoverableIds(context);
        return index.downstreamIds(dataset.id).flatMap((id) => (canSee(id) ? neighbour(id, context) : []));
      },
      ...datasetFieldResolvers,
    },
  };

  const schema = buildSubgraphSchema({ typeDefs: parse(readCatalogueSdl()), resolvers: resolvers as never });
  const server = new ApolloServer<CatalogueContext>({
    schema,
    includeStacktraceInErrorResponses: false,
    // Inline traces are for Apollo's hosted reporting, which Wharf does not use.
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    formatError: (formatted: GraphQLFormattedError, error: unknown) => maskUnexpectedError(formatted, error),
    // Its own SIGTERM handler stops it and signals the process again, which exits it before the catalogue's own shutdown (replication, a last index snapshot) has run: the process's owner disposes the catalogue instead.
    stopOnTerminationSignals: false,
  });
  await server.start();

  return {
    index,
    harvester,
    discovery,
    server,
    async execute(request, consumer = anonymousConsumer) {
      const response = await server.executeOperation(
        {
          query: request.document,
          ...(request.variables ? { variables: request.variables } : {}),
          ...(request.operationName ? { operationName: request.operationName } : {}),
        },
        { contextValue: { consumer } },
      );
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
    replication,
    async start() {
      if (replication) {
        replication.start(harvester);
        return;
      }
      await harvester.harvestAll();
      harvester.start();
    },
    async requestHarvest(code) {
      if (replication) await replication.requestHarvest(code);
      else await harvester.harvest(code);
    },
    async [Symbol.asyncDispose]() {
      await replication?.[Symbol.asyncDispose]();
      await harvester[Symbol.asyncDispose]();
      await server.stop();
    },
  };
}
