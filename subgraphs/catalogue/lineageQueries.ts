import { countryOf } from '../shared/access/createAccessEvaluator.ts';
import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import type { ColumnLineageRecord } from '../../schema/datasetFile.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import type { CatalogueIndex } from './createCatalogueIndex.ts';
import type { LineageGraph } from './lineageGraph.ts';

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

/** Shared by every edge without column lineage: an answer of thousands of edges makes no empty arrays. */
const noColumns: ColumnLineageRecord[] = Object.freeze([]) as unknown as ColumnLineageRecord[];

/** Most hops a lineage query may ask for. */
export const maxLineageDepth = 20;
/** Most datasets one lineage answer holds; past it the graph is cut and marked partial. */
const maxLineageNodes = 5000;

/**
 * The answer's view of the edge `up` → `down` (node numbers of `graph`). It
 * crosses a border when the two residencies' countries differ (Macao and Hong
 * Kong are their own); an end the catalogue does not hold has no residency.
 */
export function edgeView(graph: LineageGraph, up: number, down: number, record: LineageEdgeRecord, depth: number): LineageEdgeView {
  const from = graph.residency[up] ?? null;
  return {
    upstream: graph.ids[up]!,
    downstream: graph.ids[down]!,
    job: record.job ?? null,
    runTime: record.runTime ?? null,
    columns: record.columns ?? noColumns,
    depth,
    crossBorder: from !== null && graph.country[up] !== graph.country[down],
    fromJurisdiction: from,
    toJurisdiction: graph.residency[down] ?? null,
  };
}

/**
 * Breadth-first from `rootId` in `direction`, to `depth` hops, each dataset
 * visited once (cycle-safe). Edges to datasets the catalogue does not hold
 * make the answer partial when their region is stale or unknown; edges of a
 * region whose last harvest failed do too.
 */
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
  const graph = index.lineageGraph;
  const root = graph.find(rootId);
  if (root === undefined || !graph.isPresent(root)) return undefined;
  const walk = graph.walk(root, direction !== 'DOWNSTREAM', direction !== 'UPSTREAM', depth, sinceMs, maxLineageNodes);
  const ids = graph.ids;
  const partial = new Set<string>();
  // A dataset no region publishes any more is left out with its edges; if its region is stale or unknown, the answer is partial.
  const dropped = new Set<number>();
  for (const n of walk.missing) {
    const id = ids[n]!;
    if (id.startsWith('ol:')) continue;
    dropped.add(n);
    const region = regionOfDatasetId(id);
    if (region && isStale(region) !== false) partial.add(region);
  }
  const nodeIds: string[] = [];
  const staleRegions = new Map<string, boolean>();
  for (const n of walk.nodes) {
    if (dropped.has(n)) continue;
    const id = ids[n]!;
    nodeIds.push(id);
    const region = graph.isPresent(n) ? regionOfDatasetId(id) : undefined;
    if (!region) continue;
    let stale = staleRegions.get(region);
    if (stale === undefined) staleRegions.set(region, (stale = isStale(region) === true));
    if (stale) partial.add(region);
  }
  if (walk.truncated) partial.add(regionOfDatasetId(rootId) ?? '');
  const edges: LineageEdgeView[] = [];
  const found = walk.edges;
  for (let i = 0; i < found.upstream.length; i += 1) {
    const up = found.upstream[i]!;
    const down = found.downstream[i]!;
    if (dropped.size > 0 && (dropped.has(up) || dropped.has(down))) continue;
    edges.push(edgeView(graph, up, down, found.record[i]!, found.depth[i]!));
  }
  return { nodeIds, edges, partialRegions: [...partial].filter(Boolean).sort() };
}

/** Does a residency fall under `filter` (itself, or its country)? */
export function inJurisdiction(residency: string | null, filter: string | null | undefined): boolean {
  if (!filter) return true;
  if (!residency) return false;
  return residency === filter || countryOf(residency) === filter;
}
