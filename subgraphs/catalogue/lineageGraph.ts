import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import { countryOf } from '../shared/access/createAccessEvaluator.ts';
import { AdjacencyPool } from './adjacencyPool.ts';

/**
 * The graph's edges by slot. A slot is written once and never changed (a
 * dataset's new edges take new slots; compaction builds a new table), so a
 * walk's answer read from the table it was found in stays right whatever
 * the graph does afterwards.
 */
export interface EdgeTable {
  readonly upstream: Int32Array;
  readonly downstream: Int32Array;
  /** When each edge was last seen (epoch ms): its run's time, else its downstream's last change at harvest; 0 when unknown. */
  readonly observedMs: Float64Array;
  readonly records: readonly LineageEdgeRecord[];
  /** Each edge's job, beside its slot: an answer of thousands of edges reads these in runs rather than following a pointer per edge into the records. */
  readonly jobs: readonly (string | null)[];
  /** 1 where the record has a run time or column lineage, so reading those needs the record. */
  readonly detailed: Uint8Array;
}

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
const missingNode = 0;
const datasetNode = 1;
const externalNode = 2;

/**
 * The catalogue's lineage graph with datasets numbered. Edges live in typed
 * arrays (see `EdgeTable`): a dataset's own edges in consecutive slots, each
 * node's downstream edges as (downstream, slot) pairs in an `AdjacencyPool`. Harvest
 * changes it in place, one dataset at a time; superseded slots are
 * reclaimed once they outnumber the live ones. Any id an edge names gets a
 * number, harvested or not, so edges to a missing region's datasets are
 * still seen (and make an answer partial).
 */
export class LineageGraph {
  private readonly numbers = new Map<string, number>();
  readonly ids: string[] = [];
  /** Per node: residency, null unless harvested. */
  readonly residency: (string | null)[] = [];
  private kind: Uint8Array;
  /** Per node: a small number per country of residency, -1 unless harvested. */
  private country: Int32Array;
  /** Per node: a small number per region prefix of the id, -1 for none. */
  private region: Int32Array;
  private firstEdge: Int32Array;
  private edgeCount: Int32Array;
  private readonly downstream: AdjacencyPool;
  private readonly countryCodes = new Map<string, number>();
  private readonly regionCodes = new Map<string, number>();
  private readonly regionNames: string[] = [];

  private table: WritableEdgeTable;
  private usedSlots = 0;
  private liveSlots = 0;

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

  /** @param capacity nodes, edges and found edges to make room for at first; each grows as needed. @default 1024 */
  constructor(capacity = 1024) {
    const size = Math.max(1, capacity);
    this.kind = new Uint8Array(size);
    this.country = new Int32Array(size);
    this.region = new Int32Array(size);
    this.firstEdge = new Int32Array(size);
    this.edgeCount = new Int32Array(size);
    this.downstream = new AdjacencyPool(size);
    this.table = emptyTable(size);
    this.foundEdges = new Int32Array(size);
    this.foundMasked = new Uint8Array(size);
    this.foundDepths = new Uint8Array(size);
  }

  numberOf(id: string): number {
    let n = this.numbers.get(id);
    if (n !== undefined) return n;
    n = this.ids.length;
    this.numbers.set(id, n);
    this.ids.push(id);
    this.residency.push(null);
    if (n >= this.kind.length) this.growNodes(n * 2);
    this.downstream.ensureNodes(n + 1);
    this.kind[n] = id.startsWith('ol:') ? externalNode : missingNode;
    this.country[n] = -1;
    this.region[n] = this.regionCode(regionOfDatasetId(id));
    return n;
  }

  find(id: string): number | undefined {
    return this.numbers.get(id);
  }

  isPresent(n: number): boolean {
    return this.kind[n] === datasetNode;
  }

  /** Whether the two ends of `upstream` → `downstream` reside in different countries (Macao and Hong Kong are their own); false when the upstream's residency is unknown. */
  crossesBorder(upstream: number, downstream: number): boolean {
    return this.country[upstream] !== -1 && this.country[upstream] !== this.country[downstream];
  }

  regionName(code: number): string {
    return this.regionNames[code]!;
  }

  /** The slots of a harvested dataset's declared edges, in declared order, in `edgeTable()`. */
  edgeSlotsOf(n: number): { from: number; to: number } {
    const from = this.firstEdge[n]!;
    return { from, to: from + this.edgeCount[n]! };
  }

  edgeTable(): EdgeTable {
    return this.table;
  }

  /** Sets a harvested dataset's edges (replacing any it had). */
  set(id: string, edges: readonly LineageEdgeRecord[], modifiedMs: number, residency: string): void {
    const n = this.numberOf(id);
    this.unlinkUpstream(n);
    this.kind[n] = datasetNode;
    this.residency[n] = residency;
    this.country[n] = this.countryCode(countryOf(residency));
    if (this.usedSlots + edges.length > this.table.upstream.length) this.reserveSlots(edges.length);
    const first = this.usedSlots;
    const table = this.table;
    for (const edge of edges) {
      const upstream = this.numberOf(edge.upstream);
      const slot = this.usedSlots;
      table.upstream[slot] = upstream;
      table.downstream[slot] = n;
      table.observedMs[slot] = edge.runTime ? Date.parse(edge.runTime) || 0 : modifiedMs;
      table.records.push(edge);
      table.jobs.push(edge.job ?? null);
      table.detailed[slot] = edge.runTime !== undefined || edge.columns !== undefined ? 1 : 0;
      this.downstream.append(upstream, n, slot);
      this.usedSlots += 1;
    }
    this.firstEdge[n] = first;
    this.edgeCount[n] = edges.length;
    this.liveSlots += edges.length;
  }

  remove(id: string): void {
    const n = this.numbers.get(id);
    if (n === undefined) return;
    this.unlinkUpstream(n);
    this.kind[n] = id.startsWith('ol:') ? externalNode : missingNode;
    this.residency[n] = null;
    this.country[n] = -1;
  }

  private unlinkUpstream(n: number): void {
    const { from, to } = this.edgeSlotsOf(n);
    for (let slot = from; slot < to; slot += 1) this.downstream.remove(this.table.upstream[slot]!, slot);
    this.liveSlots -= to - from;
    this.edgeCount[n] = 0;
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
    root: number,
    up: boolean,
    down: boolean,
    depth: number,
    sinceMs: number | undefined,
    maxNodes: number,
    isHidden?: (n: number) => boolean,
  ): GraphWalk {
    const stamp = this.nextStamp();
    const { kind, region, firstEdge, edgeCount, nodeStamps, edgeStamps, verdictStamps, hiddenVerdicts, table } = this;
    const { upstream: upstreamOf, observedMs } = table;
    const { items: pool, start: poolStart, length: poolLength } = this.downstream;
    const timed = sinceMs !== undefined;
    const since = sinceMs ?? 0;
    const both = up && down;
    const regions = new Uint8Array(this.regionNames.length);
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

  private nextStamp(): number {
    if (this.nodeStamps.length < this.kind.length) {
      this.nodeStamps = new Uint32Array(this.kind.length);
      this.verdictStamps = new Uint32Array(this.kind.length);
      this.hiddenVerdicts = new Uint8Array(this.kind.length);
    }
    if (this.edgeStamps.length < this.table.upstream.length) this.edgeStamps = new Uint32Array(this.table.upstream.length);
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

  private growNodes(size: number): void {
    this.kind = copyInto(new Uint8Array(size), this.kind);
    this.country = copyInto(new Int32Array(size), this.country);
    this.region = copyInto(new Int32Array(size), this.region);
    this.firstEdge = copyInto(new Int32Array(size), this.firstEdge);
    this.edgeCount = copyInto(new Int32Array(size), this.edgeCount);
  }

  /**
   * Makes room for `count` more slots: compacts when superseded slots
   * outnumber live ones, else grows the table. Either way the table is a new
   * object, and the old one still answers for the slots it held.
   */
  private reserveSlots(count: number): void {
    const superseded = this.usedSlots - this.liveSlots;
    if (superseded > this.liveSlots) {
      this.compactSlots((this.liveSlots + count) * 2);
      return;
    }
    const size = Math.max(this.usedSlots + count, this.table.upstream.length * 2);
    const old = this.table;
    // Slots are only ever appended to `records` and `jobs`, so the old table may share them.
    this.table = {
      upstream: copyInto(new Int32Array(size), old.upstream),
      downstream: copyInto(new Int32Array(size), old.downstream),
      observedMs: copyInto(new Float64Array(size), old.observedMs),
      records: old.records,
      jobs: old.jobs,
      detailed: copyInto(new Uint8Array(size), old.detailed),
    };
  }

  /** Copies the live slots, dataset by dataset, into a new table, and renumbers the downstream lists to match. */
  private compactSlots(size: number): void {
    const old = this.table;
    const next = emptyTable(size);
    const renumbered = new Int32Array(this.usedSlots);
    let used = 0;
    for (let n = 0; n < this.ids.length; n += 1) {
      const from = this.firstEdge[n]!;
      const count = this.edgeCount[n]!;
      this.firstEdge[n] = used;
      for (let slot = from; slot < from + count; slot += 1) {
        next.upstream[used] = old.upstream[slot]!;
        next.downstream[used] = old.downstream[slot]!;
        next.observedMs[used] = old.observedMs[slot]!;
        next.records.push(old.records[slot]!);
        next.jobs.push(old.jobs[slot]!);
        next.detailed[used] = old.detailed[slot]!;
        renumbered[slot] = used;
        used += 1;
      }
    }
    this.downstream.renumberEdges(renumbered, this.ids.length);
    this.table = next;
    this.usedSlots = used;
    this.liveSlots = used;
  }

  private countryCode(country: string): number {
    let code = this.countryCodes.get(country);
    if (code === undefined) this.countryCodes.set(country, (code = this.countryCodes.size));
    return code;
  }

  private regionCode(region: string | undefined): number {
    if (region === undefined) return -1;
    let code = this.regionCodes.get(region);
    if (code === undefined) {
      this.regionCodes.set(region, (code = this.regionNames.length));
      this.regionNames.push(region);
    }
    return code;
  }
}

type WritableEdgeTable = EdgeTable & { records: LineageEdgeRecord[]; jobs: (string | null)[] };

function emptyTable(size: number): WritableEdgeTable {
  return { upstream: new Int32Array(size), downstream: new Int32Array(size), observedMs: new Float64Array(size), records: [], jobs: [], detailed: new Uint8Array(size) };
}

function copyInto<T extends Uint8Array | Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
