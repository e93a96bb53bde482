import type { ColumnLineageRecord } from '../../schema/datasetFile.ts';
import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';
import type { LineageGraph } from './lineageGraph.ts';
import type { GraphWalk } from './lineageWalk.ts';

/**
 * One edge as a lineage answer shows it (`LineageEdge` in the schema).
 *
 * An edge whose upstream the consumer may not discover is *masked*: it is
 * shown only because its visible downstream declares it, and only with what
 * that downstream declares: the two ids, the depth, the job and the run
 * time. Its column lineage is not shown (its input fields are the hidden
 * upstream's columns and table names), nor the upstream's residency
 * (`fromJurisdiction` is null, `crossBorder` false). Edges a hidden dataset
 * declares are never in an answer (see `LineageGraph.walk`).
 */
export interface LineageEdgeView {
  readonly upstream: string;
  readonly downstream: string;
  readonly job: string | null;
  readonly runTime: string | null;
  readonly columns: ColumnLineageRecord[];
  readonly depth: number;
  readonly crossBorder: boolean;
  readonly fromJurisdiction: string | null;
  readonly toJurisdiction: string | null;
}

/** Shared by every edge without column lineage: an answer of thousands of edges makes no empty arrays. */
const noColumns: ColumnLineageRecord[] = Object.freeze([]) as unknown as ColumnLineageRecord[];

/**
 * The answer's view of the edge `up` → `down` (node numbers of `graph`). It
 * crosses a border when the two residencies' countries differ (Macao and Hong
 * Kong are their own); an end the catalogue does not hold has no residency.
 */
export function edgeView(graph: LineageGraph, up: number, down: number, record: LineageEdgeRecord, depth: number, masked = false): LineageEdgeView {
  return {
    upstream: graph.ids[up]!,
    downstream: graph.ids[down]!,
    job: record.job ?? null,
    runTime: record.runTime ?? null,
    columns: masked ? noColumns : (record.columns ?? noColumns),
    depth,
    crossBorder: !masked && graph.crossesBorder(up, down),
    fromJurisdiction: masked ? null : (graph.residency[up] ?? null),
    toJurisdiction: graph.residency[down] ?? null,
  };
}

/**
 * The `at`-th edge of a walk, read from the walk's edge table only when a
 * field is asked for, so only the fields the query selects are ever looked
 * up. Residencies are read as the graph has them then.
 */
export class FoundEdge implements LineageEdgeView {
  private readonly slot: number;
  private readonly up: number;
  private readonly down: number;
  /** The upstream is hidden from the consumer (see `LineageEdgeView`). */
  private readonly masked: boolean;

  constructor(
    private readonly graph: LineageGraph,
    private readonly walk: GraphWalk,
    private readonly at: number,
  ) {
    this.slot = walk.edges[at]!;
    this.up = walk.table.upstream[this.slot]!;
    this.down = walk.table.downstream[this.slot]!;
    this.masked = walk.masked[at] === 1;
  }

  /** The record, when it holds more than the job (see `EdgeTable.detailed`). */
  private get detail(): LineageEdgeRecord | undefined {
    const slot = this.slot;
    return this.walk.table.detailed[slot] === 1 ? this.walk.table.records[slot] : undefined;
  }

  get upstream(): string {
    return this.graph.ids[this.up]!;
  }

  get downstream(): string {
    return this.graph.ids[this.down]!;
  }

  get job(): string | null {
    return this.walk.table.jobs[this.slot]!;
  }

  get runTime(): string | null {
    return this.detail?.runTime ?? null;
  }

  get columns(): ColumnLineageRecord[] {
    return this.masked ? noColumns : (this.detail?.columns ?? noColumns);
  }

  get depth(): number {
    return this.walk.depths[this.at]!;
  }

  get crossBorder(): boolean {
    return !this.masked && this.graph.crossesBorder(this.up, this.down);
  }

  get fromJurisdiction(): string | null {
    return this.masked ? null : (this.graph.residency[this.up] ?? null);
  }

  get toJurisdiction(): string | null {
    return this.graph.residency[this.down] ?? null;
  }
}

/**
 * A walk's edges as views, each made when the consumer reaches it: GraphQL
 * completes one list item before taking the next, so no view outlives its
 * turn. (A plain iterator: a generator's resumption cost twice as much per
 * edge here.)
 */
export class FoundEdges implements Iterable<LineageEdgeView> {
  constructor(
    private readonly graph: LineageGraph,
    private readonly walk: GraphWalk,
  ) {}

  [Symbol.iterator](): Iterator<LineageEdgeView> {
    const { graph, walk } = this;
    let at = 0;
    return {
      next: (): IteratorResult<LineageEdgeView> =>
        at < walk.edges.length ? { value: new FoundEdge(graph, walk, at++), done: false } : { value: undefined, done: true },
    };
  }
}
