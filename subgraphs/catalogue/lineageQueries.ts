import { countryOf } from '../shared/access/createAccessEvaluator.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { LineageGraph } from './lineageGraph.ts';
import { reachedDataset, reachedMissing, type GraphWalk } from './lineageWalk.ts';
import { FoundEdges, type LineageEdgeView } from './lineageEdgeView.ts';

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

/**
 * A lineage answer as found: node numbers and edge slots of the graph. The
 * ids and edge views are built only when asked for, so a client that wants
 * the nodes pays nothing for thousands of edges, and the other way round.
 */
export interface LineageTraversal {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** The regions that make the answer partial, sorted. */
  readonly partialRegions: string[];
  /** Ids of every dataset reached, the root first. */
  nodeIds(): string[];
  /** Ids of the datasets reached that the consumer may not discover: shown by their id only. */
  hiddenIds(): ReadonlySet<string>;
  /** Every edge found, as the answer shows it, in the order found; each view reads the graph only for the fields asked for. */
  edges(): Iterable<LineageEdgeView>;
}

/** Most hops a lineage query may ask for. */
export const maxLineageDepth = 20;
/** Most datasets one lineage answer holds; past it the graph is cut and marked partial. */
const maxLineageNodes = 5000;

/**
 * Breadth-first from `rootId` in `direction`, to `depth` hops, each dataset
 * visited once (cycle-safe). A dataset no region publishes (any more) is
 * left out with its edges, and makes the answer partial when its region is
 * stale or unknown; datasets of a region whose last harvest failed do too.
 *
 * With `isHidden` (the datasets the consumer may not discover; the caller
 * has checked the root), the answer holds nothing a hidden dataset declares:
 * it is reached only as the upstream of a visible dataset's edge, shown by
 * its id, and not walked through; the edges it declares are not followed
 * (so it is never reached downstream); an edge to it shows only what the
 * visible side declares (see `LineageEdgeView`). Whatever edges a hidden
 * dataset has, the answer is the same.
 */
export function traverseLineage(
  index: CatalogueIndex,
  rootId: string,
  direction: LineageDirection,
  depth: number,
  isStale: (region: string) => boolean | undefined,
  sinceMs?: number,
  isHidden?: (id: string) => boolean,
): LineageTraversal | undefined {
  if (!Number.isInteger(depth) || depth < 1 || depth > maxLineageDepth) {
    throw new WharfError('BAD_USER_INPUT', `"depth" must be from 1 to ${maxLineageDepth}; got ${depth}.`, { argumentName: 'depth' });
  }
  const graph = index.lineageGraph;
  const root = graph.find(rootId);
  if (root === undefined || !graph.isPresent(root)) return undefined;
  const walk = graph.walk(root, direction !== 'DOWNSTREAM', direction !== 'UPSTREAM', depth, sinceMs, maxLineageNodes, isHidden && ((n) => isHidden(graph.ids[n]!)));
  const partial: string[] = [];
  for (let code = 0; code < walk.regions.length; code += 1) {
    const reached = walk.regions[code]!;
    if (reached === 0) continue;
    const region = graph.regionName(code);
    const stale = isStale(region);
    if (((reached & reachedDataset) !== 0 && stale === true) || ((reached & reachedMissing) !== 0 && stale !== false)) partial.push(region);
  }
  const rootRegion = regionOfDatasetId(rootId);
  if (walk.truncated && rootRegion && !partial.includes(rootRegion)) partial.push(rootRegion);
  return {
    nodeCount: walk.nodes.length,
    edgeCount: walk.edges.length,
    partialRegions: partial.sort(),
    nodeIds: () => nodeIdsOf(graph, walk),
    hiddenIds: () => new Set(nodeIdsOf(graph, walk).filter((_, i) => walk.hidden[i] === 1)),
    edges: () => new FoundEdges(graph, walk),
  };
}

function nodeIdsOf(graph: LineageGraph, walk: GraphWalk): string[] {
  const ids: string[] = [];
  for (const n of walk.nodes) ids.push(graph.ids[n]!);
  return ids;
}

/** Does a residency fall under `filter` (itself, or its country)? */
export function inJurisdiction(residency: string | null, filter: string | null | undefined): boolean {
  if (!filter) return true;
  if (!residency) return false;
  return residency === filter || countryOf(residency) === filter;
}
