import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import { countryOf } from '../shared/access/createAccessEvaluator.ts';

export interface GraphWalk {
  /** Node numbers reached, the root first. */
  nodes: number[];
  /** The edges found, as parallel lists (no object per edge): `upstream[i]` → `downstream[i]` at `depth[i]` hops. */
  edges: { upstream: number[]; downstream: number[]; depth: number[]; record: LineageEdgeRecord[] };
  /** Ids reached that no harvested dataset has (other than external ones). */
  missing: number[];
  /** True when the walk stopped at the node limit. */
  truncated: boolean;
}

/**
 * The catalogue's lineage graph with datasets numbered: adjacency as arrays
 * of numbers and a visit stamp per node, so a traversal to depth 10 over
 * thousands of datasets is array walking, not string hashing. Any id an edge
 * names gets a number, harvested or not, so edges to a missing region's
 * datasets are still seen (and make an answer partial).
 */
export class LineageGraph {
  private readonly numbers = new Map<string, number>();
  readonly ids: string[] = [];
  /** Per node: whether a harvested dataset has this id. */
  private present: boolean[] = [];
  private upstream: number[][] = [];
  private upstreamEdges: LineageEdgeRecord[][] = [];
  private downstream: number[][] = [];
  private modifiedMs: number[] = [];
  /** Per node: residency and its country, for cross-border flags without a lookup by id. */
  readonly residency: (string | null)[] = [];
  readonly country: (string | null)[] = [];
  private stamps = new Uint32Array(1024);
  private stamp = 0;

  numberOf(id: string): number {
    let n = this.numbers.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.numbers.set(id, n);
      this.ids.push(id);
      this.present.push(false);
      this.upstream.push([]);
      this.upstreamEdges.push([]);
      this.downstream.push([]);
      this.modifiedMs.push(0);
      this.residency.push(null);
      this.country.push(null);
    }
    return n;
  }

  /** A harvested dataset's declared edges (empty for any other node). */
  edgesOf(n: number): readonly LineageEdgeRecord[] {
    return this.upstreamEdges[n]!;
  }

  /** When `record`, an edge into node `downstream`, was last seen: its run's time, else the dataset's last change (epoch ms; 0 when unknown). */
  observedAt(record: LineageEdgeRecord, downstream: number): number {
    return record.runTime ? Date.parse(record.runTime) || 0 : this.modifiedMs[downstream]!;
  }

  find(id: string): number | undefined {
    return this.numbers.get(id);
  }

  isPresent(n: number): boolean {
    return this.present[n] === true;
  }

  /** Sets a harvested dataset's edges (replacing any it had). */
  set(id: string, edges: readonly LineageEdgeRecord[], modifiedMs: number, residency: string): void {
    const n = this.numberOf(id);
    this.unlinkUpstream(n);
    this.present[n] = true;
    this.modifiedMs[n] = modifiedMs;
    this.residency[n] = residency;
    this.country[n] = countryOf(residency);
    for (const edge of edges) {
      const u = this.numberOf(edge.upstream);
      this.upstream[n]!.push(u);
      this.upstreamEdges[n]!.push(edge);
      this.downstream[u]!.push(n);
    }
  }

  remove(id: string): void {
    const n = this.numbers.get(id);
    if (n === undefined) return;
    this.unlinkUpstream(n);
    this.present[n] = false;
    this.residency[n] = null;
    this.country[n] = null;
  }

  private unlinkUpstream(n: number): void {
    for (const u of this.upstream[n]!) {
      const list = this.downstream[u]!;
      const at = list.indexOf(n);
      if (at >= 0) list.splice(at, 1);
    }
    this.upstream[n] = [];
    this.upstreamEdges[n] = [];
  }

  /**
   * Breadth-first from `root`, each node once (cycle-safe), to `depth` hops,
   * up (`up`), down (`down`) or both; edges observed before `sinceMs` (run
   * time, else the downstream's last change) are not followed.
   */
  walk(root: number, up: boolean, down: boolean, depth: number, sinceMs: number | undefined, maxNodes: number): GraphWalk {
    if (this.stamps.length < this.ids.length) this.stamps = new Uint32Array(this.ids.length * 2);
    this.stamp += 1;
    if (this.stamp === 0xffffffff) {
      this.stamps.fill(0);
      this.stamp = 1;
    }
    const { stamps, stamp } = this;
    const nodes = [root];
    const edges: GraphWalk['edges'] = { upstream: [], downstream: [], depth: [], record: [] };
    const missing: number[] = [];
    const seenEdges = up && down ? new Set<number>() : undefined;
    const total = this.ids.length;
    let truncated = false;
    stamps[root] = stamp;
    let frontier = [root];
    const recent = (edge: LineageEdgeRecord, downstreamNode: number) => sinceMs === undefined || this.observedAt(edge, downstreamNode) >= sinceMs;
    const reach = (other: number, upstream: number, downstream: number, hop: number, record: LineageEdgeRecord, next: number[]) => {
      if (seenEdges) {
        const key = upstream * total + downstream;
        if (seenEdges.has(key)) return;
        seenEdges.add(key);
      }
      edges.upstream.push(upstream);
      edges.downstream.push(downstream);
      edges.depth.push(hop);
      edges.record.push(record);
      if (stamps[other] === stamp) return;
      if (nodes.length >= maxNodes) {
        truncated = true;
        return;
      }
      stamps[other] = stamp;
      nodes.push(other);
      if (!this.present[other]) {
        missing.push(other);
        return;
      }
      next.push(other);
    };
    for (let hop = 1; hop <= depth && frontier.length > 0; hop += 1) {
      const next: number[] = [];
      for (const n of frontier) {
        if (up) {
          const ups = this.upstream[n]!;
          const records = this.upstreamEdges[n]!;
          for (let i = 0; i < ups.length; i += 1) {
            if (recent(records[i]!, n)) reach(ups[i]!, ups[i]!, n, hop, records[i]!, next);
          }
        }
        if (down) {
          for (const d of this.downstream[n]!) {
            const records = this.upstreamEdges[d]!;
            const at = this.upstream[d]!.indexOf(n);
            const record = records[at]!;
            if (recent(record, d)) reach(d, n, d, hop, record, next);
          }
        }
      }
      frontier = next;
    }
    return { nodes, edges, missing, truncated };
  }
}
