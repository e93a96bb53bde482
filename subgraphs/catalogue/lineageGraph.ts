import { regionOfDatasetId } from '../../schema/datasetId.ts';
import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import { countryOf } from '../shared/access/createAccessEvaluator.ts';
import { AdjacencyPool } from './adjacencyPool.ts';
import { copyInto, emptyTable, grownTable, type EdgeTable, type WritableEdgeTable } from './lineageEdgeTable.ts';
import { datasetNode, externalNode, LineageWalker, missingNode, type GraphWalk, type WalkableGraph } from './lineageWalk.ts';

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

  /** Walks the graph, keeping the walks' scratch space. */
  private readonly walker: LineageWalker;

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
    this.walker = new LineageWalker(size);
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
   * Breadth-first from `root` to `depth` hops, up, down or both, with the datasets
   * `isHidden` names masked: see `LineageWalker.walk`.
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
    const graph: WalkableGraph = {
      kind: this.kind,
      region: this.region,
      firstEdge: this.firstEdge,
      edgeCount: this.edgeCount,
      downstream: this.downstream,
      table: this.table,
      regionCount: this.regionNames.length,
    };
    return this.walker.walk(graph, root, up, down, depth, sinceMs, maxNodes, isHidden);
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
    this.table = grownTable(this.table, size);
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
