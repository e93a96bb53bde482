import type { AdjacencyPool } from './adjacencyPool.ts';
import { copyInto, type EdgeTable } from './lineageEdgeTable.ts';

/** A walk's answer: the nodes and edges reached from its root, as numbers into the graph and its edge table. */
export interface GraphWalk {
  /** Node numbers in the answer, the root first, hop by hop; datasets the catalogue does not hold are left out. */
  nodes: Int32Array;
  /** 1 for each node (parallel to `nodes`) the consumer may not discover: shown by its id only, never walked through. */
  hidden: Uint8Array;
  /** Slots in `table` of the edges found, in the order found: none to a node left out as missing; some to nodes past the limit when `truncated`. */
  edges: Int32Array;
  /** 1 for each edge (parallel to `edges`) whose upstream is hidden: the answer shows only what its visible downstream declares of it. */
  masked: Uint8Array;
  /** Hops from the root of each edge (parallel to `edges`). */
  depths: Uint8Array;
  table: EdgeTable;
  /** True when the walk stopped at the node limit. */
  truncated: boolean;
  /** Per region code (see `regionName`): bit `reachedDataset` when one of its datasets is in the answer, bit `reachedMissing` when an edge named one the catalogue does not hold. */
  regions: Uint8Array;
}

export const reachedDataset = 1;
export const reachedMissing = 2;

/** What a node is: a dataset no harvested region holds (yet or any more), a harvested dataset, or an external OpenLineage input. */
export const missingNode = 0;
export const datasetNode = 1;
export const externalNode = 2;

/** What a walk reads of the graph: its arrays as they are when the walk starts (the graph replaces them as it grows). */
export interface WalkableGraph {
  /** Per node: `missingNode`, `datasetNode` or `externalNode`. */
  readonly kind: Uint8Array;
  /** Per node: its region's number (see `LineageGraph.regionName`), -1 for none. */
  readonly region: Int32Array;
  /** Per node: the first slot of its own (upstream) edges in `table`, and how many there are. */
  readonly firstEdge: Int32Array;
  readonly edgeCount: Int32Array;
  /** Per node: its downstream edges as (downstream, slot) pairs. */
  readonly downstream: AdjacencyPool;
  readonly table: EdgeTable;
  /** Region numbers in use. */
  readonly regionCount: number;
}

/**
 * Walks a `LineageGraph`. It keeps the walk's scratch space between walks: per-node and per-edge stamps
 * (a node or edge is seen in this walk when its stamp is the walk's), and the arrays the answer is
 * gathered in before it is copied out, so a walk allocates only its answer.
 */
export class LineageWalker {
  private nodeStamps = new Uint32Array(0);
  private edgeStamps = new Uint32Array(0);
  /** Per node: `stamp` once the walk has asked whether it is hidden, the answer in `hiddenVerdicts`. */
  private verdictStamps = new Uint32Array(0);
  private hiddenVerdicts = new Uint8Array(0);
  private stamp = 0;
  private foundNodes = new Int32Array(0);
  private foundHidden = new Uint8Array(0);
  private foundEdges: Int32Array;
  private foundMasked: Uint8Array;
  private foundDepths: Uint8Array;

  /** @param capacity found edges to make room for at first; grows as needed. */
  constructor(capacity: number) {
    this.foundEdges = new Int32Array(capacity);
    this.foundMasked = new Uint8Array(capacity);
    this.foundDepths = new Uint8Array(capacity);
  }

  /**
   * Breadth-first from `root`, each node once (cycle-safe), to `depth` hops,
   * up (`up`), down (`down`) or both; edges observed before `sinceMs` are
   * not followed. A dataset the catalogue does not hold is left out with its
   * edges, and its region noted. Past `maxNodes` nodes taken (missing ones
   * included) no new node is taken and `truncated` is set; an edge to a node
   * not taken is still listed.
   *
   * `isHidden` (asked once per harvested dataset reached; never of the root)
   * names the datasets the consumer may not discover. The answer does not
   * depend on anything a hidden dataset declares: an edge a visible dataset
   * declares to a hidden upstream is kept (masked) and the hidden dataset
   * taken as a node (flagged in `hidden`), but never walked through; an edge
   * a hidden dataset declares is not followed at all, so a hidden dataset is
   * never reached as a downstream.
   */
  walk(
    graph: WalkableGraph,
    root: number,
    up: boolean,
    down: boolean,
    depth: number,
    sinceMs: number | undefined,
    maxNodes: number,
    isHidden?: (n: number) => boolean,
  ): GraphWalk {
    const { kind, region, firstEdge, edgeCount, table } = graph;
    const stamp = this.nextStamp(kind.length, table.upstream.length);
    const { nodeStamps, edgeStamps, verdictStamps, hiddenVerdicts } = this;
    const { upstream: upstreamOf, observedMs } = table;
    const { items: pool, start: poolStart, length: poolLength } = graph.downstream;
    const timed = sinceMs !== undefined;
    const since = sinceMs ?? 0;
    const both = up && down;
    const regions = new Uint8Array(graph.regionCount);
    if (this.foundNodes.length < maxNodes) {
      this.foundNodes = new Int32Array(maxNodes);
      this.foundHidden = new Uint8Array(maxNodes);
    }
    const nodes = this.foundNodes;
    const hidden = this.foundHidden;
    let edges = this.foundEdges;
    let masked = this.foundMasked;
    /** Whether harvested dataset `n` is hidden from the consumer, asked once per walk. */
    const hiddenOf = (n: number): boolean => {
      if (verdictStamps[n] !== stamp) {
        verdictStamps[n] = stamp;
        hiddenVerdicts[n] = isHidden!(n) ? 1 : 0;
      }
      return hiddenVerdicts[n] === 1;
    };
    let nodeTotal = 1;
    /** Nodes taken: those of the answer and the missing ones left out of it. */
    let taken = 1;
    let edgeTotal = 0;
    let truncated = false;
    nodes[0] = root;
    hidden[0] = 0;
    nodeStamps[root] = stamp;
    if (region[root]! >= 0) regions[region[root]!] = reachedDataset;
    let layerStart = 0;
    for (let hop = 1; hop <= depth && layerStart < nodeTotal; hop += 1) {
      const layerEnd = nodeTotal;
      const hopStart = edgeTotal;
      for (let i = layerStart; i < layerEnd; i += 1) {
        const n = nodes[i]!;
        if (kind[n] !== datasetNode || hidden[i] === 1) continue;
        for (let pass = 0; pass < 2; pass += 1) {
          // Pass 0 follows the node's own edges (consecutive slots) up; pass 1 its (downstream, slot) pairs down.
          let at: number;
          let end: number;
          if (pass === 0) {
            if (!up) continue;
            at = firstEdge[n]!;
            end = at + edgeCount[n]!;
          } else {
            if (!down) continue;
            at = poolStart[n]! * 2;
            end = at + poolLength[n]! * 2;
          }
          for (; at < end; at += pass + 1) {
            const slot = pass === 0 ? at : pool[at + 1]!;
            if (timed && observedMs[slot]! < since) continue;
            const other = pass === 0 ? upstreamOf[slot]! : pool[at]!;
            const otherHidden = isHidden !== undefined && kind[other] === datasetNode && hiddenOf(other);
            // Down, `other` declares the edge: a hidden dataset's own edges are not shown.
            if (otherHidden && pass === 1) continue;
            if (both) {
              if (edgeStamps[slot] === stamp) continue;
              edgeStamps[slot] = stamp;
            }
            if (nodeStamps[other] !== stamp) {
              if (taken >= maxNodes) {
                truncated = true;
              } else {
                nodeStamps[other] = stamp;
                taken += 1;
                const otherKind = kind[other]!;
                const code = region[other]!;
                if (otherKind === missingNode) {
                  if (code >= 0) regions[code]! |= reachedMissing;
                  continue;
                }
                hidden[nodeTotal] = otherHidden ? 1 : 0;
                nodes[nodeTotal++] = other;
                if (otherKind === datasetNode && code >= 0) regions[code]! |= reachedDataset;
              }
            } else if (kind[other] === missingNode) {
              continue;
            }
            if (edgeTotal === edges.length) [edges, masked] = this.growFoundEdges();
            masked[edgeTotal] = otherHidden ? 1 : 0;
            edges[edgeTotal++] = slot;
          }
        }
      }
      if (this.foundDepths.length < edgeTotal) this.foundDepths = copyInto(new Uint8Array(edges.length), this.foundDepths);
      this.foundDepths.fill(hop, hopStart, edgeTotal);
      layerStart = layerEnd;
    }
    return {
      nodes: nodes.slice(0, nodeTotal),
      hidden: hidden.slice(0, nodeTotal),
      edges: edges.slice(0, edgeTotal),
      masked: masked.slice(0, edgeTotal),
      depths: this.foundDepths.slice(0, edgeTotal),
      table,
      truncated,
      regions,
    };
  }

  /** A new walk's stamp, with room for `nodes` nodes and `slots` edge slots. */
  private nextStamp(nodes: number, slots: number): number {
    if (this.nodeStamps.length < nodes) {
      this.nodeStamps = new Uint32Array(nodes);
      this.verdictStamps = new Uint32Array(nodes);
      this.hiddenVerdicts = new Uint8Array(nodes);
    }
    if (this.edgeStamps.length < slots) this.edgeStamps = new Uint32Array(slots);
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.nodeStamps.fill(0);
      this.edgeStamps.fill(0);
      this.verdictStamps.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }

  private growFoundEdges(): [Int32Array, Uint8Array] {
    this.foundEdges = copyInto(new Int32Array(this.foundEdges.length * 2), this.foundEdges);
    this.foundMasked = copyInto(new Uint8Array(this.foundEdges.length), this.foundMasked);
    return [this.foundEdges, this.foundMasked];
  }
}
