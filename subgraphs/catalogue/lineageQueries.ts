import { countryOf } from '../shared/access/createAccessEvaluator.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import type { ColumnLineageRecord } from '../../schema/datasetFile.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { CatalogueIndex, LineageNode } from './createCatalogueIndex.ts';

export type LineageDirection = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';

export interface LineageEdgeView {
  upstream: string;
  downstream: string;
  job: string | null;
  runTime: string | null;
  columns: ColumnLineageRecord[];
  depth: number;
  crossBorder: boolean;
  fromJurisdiction: string | null;
  toJurisdiction: string | null;
}

export interface LineageTraversal {
  /** Ids of every dataset reached, the root first. */
  nodeIds: string[];
  edges: LineageEdgeView[];
  partialRegions: string[];
}

/** Most hops a lineage query may ask for. */
export const maxLineageDepth = 20;
/** Most datasets one lineage answer holds; past it the graph is cut and marked partial. */
const maxLineageNodes = 5000;

/** An edge between two residencies crosses a border when their countries differ (Macao and Hong Kong are their own). */
export function describeEdge(index: CatalogueIndex, edge: LineageEdgeRecord, downstreamId: string, downstream: LineageNode, depth: number): LineageEdgeView {
  const upstream = edge.upstream;
  const from = index.lineageNode(upstream)?.residency ?? null;
  const to = downstream.residency;
  return {
    upstream,
    downstream: downstreamId,
    job: edge.job ?? null,
    runTime: edge.runTime ?? null,
    columns: edge.columns ?? [],
    depth,
    crossBorder: from !== null && countryOf(from) !== countryOf(to),
    fromJurisdiction: from,
    toJurisdiction: to,
  };
}

/**
 * Breadth-first from `rootId` in `direction`, to `depth` hops, each dataset
 * visited once (cycle-safe). Edges to datasets the catalogue does not hold
 * make the answer partial when their region is stale or unknown; edges of a
 * region whose last harvest failed do too.
 */
/** When an edge was last seen: its run's time, else the downstream dataset's last change (epoch ms; 0 when unknown). */
export function observedAt(edge: LineageEdgeRecord, downstream: LineageNode): number {
  return edge.runTime ? Date.parse(edge.runTime) || 0 : downstream.modifiedMs;
}

export function traverseLineage(
  index: CatalogueIndex,
  rootId: string,
  direction: LineageDirection,
  depth: number,
  isStale: (region: string) => boolean | undefined,
  sinceMs?: number,
): LineageTraversal | undefined {
  if (!Number.isInteger(depth) || depth < 1 || depth > maxLineageDepth) {
    throw new WharfError('BAD_USER_INPUT', `"depth" must be from 1 to ${maxLineageDepth}; got ${depth}.`, { argumentName: 'depth' });
  }
  if (!index.lineageNode(rootId)) return undefined;
  const seen = new Set([rootId]);
  const nodeIds = [rootId];
  const edges: LineageEdgeView[] = [];
  const edgeKeys = new Set<string>();
  const partial = new Set<string>();
  const notePartial = (id: string) => {
    const region = regionOfDatasetId(id);
    const stale = region ? isStale(region) : undefined;
    if (region && stale !== false) partial.add(region);
  };
  let frontier = [rootId];
  for (let hop = 1; hop <= depth && frontier.length > 0; hop += 1) {
    const next: string[] = [];
    for (const id of frontier) {
      const node = index.lineageNode(id);
      if (!node) continue;
      if (isStale(node.region)) partial.add(node.region);
      const neighbours: { other: string; edge: () => LineageEdgeView }[] = [];
      const recent = (edge: LineageEdgeRecord, downstream: LineageNode) => sinceMs === undefined || observedAt(edge, downstream) >= sinceMs;
      if (direction !== 'DOWNSTREAM') {
        for (const edge of node.edges) {
          if (recent(edge, node)) neighbours.push({ other: edge.upstream, edge: () => describeEdge(index, edge, id, node, hop) });
        }
      }
      if (direction !== 'UPSTREAM') {
        for (const downstreamId of index.downstreamSet(id)) {
          const downstream = index.lineageNode(downstreamId);
          const edge = downstream?.edges.find((candidate) => candidate.upstream === id);
          if (!downstream || !edge || !recent(edge, downstream)) continue;
          neighbours.push({ other: downstreamId, edge: () => describeEdge(index, edge, downstreamId, downstream, hop) });
        }
      }
      for (const { other, edge } of neighbours) {
        const external = other.startsWith('ol:');
        if (!external && !index.lineageNode(other)) {
          notePartial(other);
          continue;
        }
        const view = edge();
        const key = `${view.upstream}>${view.downstream}`;
        if (!edgeKeys.has(key)) {
          edgeKeys.add(key);
          edges.push(view);
        }
        if (seen.has(other)) continue;
        if (external) {
          // An external dataset is a leaf: the catalogue knows nothing upstream of it.
          seen.add(other);
          nodeIds.push(other);
          continue;
        }
        if (seen.size >= maxLineageNodes) {
          partial.add(regionOfDatasetId(other) ?? '');
          continue;
        }
        seen.add(other);
        nodeIds.push(other);
        next.push(other);
      }
    }
    frontier = next;
  }
  return { nodeIds, edges, partialRegions: [...partial].filter(Boolean).sort() };
}

/** Does a residency fall under `filter` (itself, or its country)? */
export function inJurisdiction(residency: string | null, filter: string | null | undefined): boolean {
  if (!filter) return true;
  if (!residency) return false;
  return residency === filter || countryOf(residency) === filter;
}
