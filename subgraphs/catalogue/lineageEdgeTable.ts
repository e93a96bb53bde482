import type { LineageEdgeRecord } from '../../schema/datasetRecord.ts';

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

/** The table as the graph that owns it appends to it. */
export type WritableEdgeTable = EdgeTable & { records: LineageEdgeRecord[]; jobs: (string | null)[] };

export function emptyTable(size: number): WritableEdgeTable {
  return { upstream: new Int32Array(size), downstream: new Int32Array(size), observedMs: new Float64Array(size), records: [], jobs: [], detailed: new Uint8Array(size) };
}

/**
 * A new table of `size` slots holding `old`'s. Slots are only ever appended to `records` and `jobs`, so
 * the old table may share them: it still answers for the slots it held.
 */
export function grownTable(old: WritableEdgeTable, size: number): WritableEdgeTable {
  return {
    upstream: copyInto(new Int32Array(size), old.upstream),
    downstream: copyInto(new Int32Array(size), old.downstream),
    observedMs: copyInto(new Float64Array(size), old.observedMs),
    records: old.records,
    jobs: old.jobs,
    detailed: copyInto(new Uint8Array(size), old.detailed),
  };
}

export function copyInto<T extends Uint8Array | Int32Array | Float64Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
