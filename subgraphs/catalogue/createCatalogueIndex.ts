import { createHash } from 'node:crypto';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import type { Bitset } from './search/bitset.ts';
import { LineageGraph } from './lineageGraph.ts';
import { SearchIndex, type AccessGroupKey, type SearchOutcome, type SearchRequest } from './search/createSearchIndex.ts';

/**
 * The catalogue's harvested copy of every region: the search index (which
 * also holds the records), each region's ids, and the reverse lineage index
 * (upstream id → the datasets derived from it). Lineage is read from the
 * records themselves, so an edge lives exactly as long as the dataset that
 * declares it.
 */
export interface CatalogueIndex {
  get(id: string): DatasetRecord | undefined;
  /** The revision held for `id`, without reading the record. */
  revisionOf(id: string): string | undefined;
  /** The document number of `id` in document sets such as `documentsWhere`'s. */
  documentOf(id: string): number | undefined;
  /**
   * Adds or replaces a dataset. A record of the wrong shape (see
   * `assertIndexable`) throws `UnindexableRecordError` and changes nothing.
   */
  upsert(record: DatasetRecord): void;
  remove(id: string): void;
  /** Ids of the region's datasets currently held. */
  regionIds(region: string): ReadonlySet<string>;
  /** Codes of the regions whose datasets are held, in no particular order. */
  regionCodes(): string[];
  /** The quality masks (see `qualityMask`) of the region's datasets (those `include` admits), without reading their records. */
  regionQualityMasks(region: string, include?: (id: string) => boolean): number[];
  /** Ids of the datasets that declare `id` as an upstream, sorted. */
  downstreamIds(id: string): readonly string[];
  /** The same, unsorted and not copied: for traversals. */
  downstreamSet(id: string): ReadonlySet<string>;
  /** Goes up by one with every change; keys in-process caches. */
  readonly version: number;
  /**
   * A hash of every (id, revision) held, independent of the order changes
   * arrived in: replicas holding the same datasets have the same value, so
   * it keys caches shared between them.
   */
  readonly contentVersion: string;
  size(): number;
  search(request: SearchRequest): SearchOutcome;
  suggest(prefix: string, limit: number, within?: Bitset, recheck?: (record: DatasetRecord) => boolean): DatasetRecord[];
  /** Ids of every dataset that declares lineage edges, sorted. */
  idsWithLineage(): string[];
  /** The lineage graph with datasets numbered: edges, residencies and last changes without reading a record. */
  readonly lineageGraph: LineageGraph;
  /** Documents whose access group `allows` admits (see `SearchIndex.documentsWhere`). */
  documentsWhere(allows: (key: AccessGroupKey) => boolean): Bitset;
  /** The structures a snapshot holds (see subgraphs/catalogue/snapshot): live, not copies; read them while nothing changes the index. */
  snapshotState(): CatalogueIndexState;
  /** Replaces everything held by `state` (a snapshot's), at once: readers see the old index or the new, never a mix. */
  restoreState(state: CatalogueIndexState): void;
}

/** The index's own structures, the lineage graph with them (what a snapshot holds). */
export interface CatalogueIndexState {
  search: SearchIndex;
  byRegion: Map<string, Set<string>>;
  downstream: Map<string, Set<string>>;
  withLineage: Set<string>;
  graph: LineageGraph;
  contentHigh: number;
  contentLow: number;
}

const noIds: ReadonlySet<string> = new Set();

export function createCatalogueIndex(): CatalogueIndex {
  let search = new SearchIndex();
  let byRegion = new Map<string, Set<string>>();
  let downstream = new Map<string, Set<string>>();
  /** Ids of datasets that declare at least one upstream. */
  let withLineage = new Set<string>();
  /** The lineage graph apart from the records, so a traversal never parses one. */
  let graph = new LineageGraph();
  let version = 0;
  // Two 32-bit halves of an order-independent XOR over (id, revision) hashes.
  let contentHigh = 0;
  let contentLow = 0;
  const toggleContent = (id: string, revision: string) => {
    const digest = createHash('sha256').update(id).update('\0').update(revision).digest();
    contentHigh ^= digest.readInt32BE(0);
    contentLow ^= digest.readInt32BE(4);
  };

  function unlink(record: DatasetRecord): void {
    withLineage.delete(record.id);
    graph.remove(record.id);
    for (const edge of record.lineage) {
      const set = downstream.get(edge.upstream);
      set?.delete(record.id);
      if (set?.size === 0) downstream.delete(edge.upstream);
    }
    byRegion.get(record.region)?.delete(record.id);
  }

  return {
    get: (id) => search.get(id),
    revisionOf: (id) => search.revisionOf(id),
    documentOf: (id) => search.documentOf(id),
    get version() {
      return version;
    },
    get contentVersion() {
      return `${(contentHigh >>> 0).toString(16).padStart(8, '0')}${(contentLow >>> 0).toString(16).padStart(8, '0')}:${search.size}`;
    },
    size: () => search.size,
    upsert(record) {
      // Unchanged content costs nothing: same revision, no work.
      const held = typeof record?.id === 'string' ? search.revisionOf(record.id) : undefined;
      if (held !== undefined && held === record.revision) return;
      // Checked and derived before anything changes: a record the index refuses leaves every structure here as it was.
      const prepared = search.prepare(record);
      const current = search.get(record.id);
      if (current) {
        unlink(current);
        toggleContent(current.id, current.revision);
      }
      search.commit(prepared);
      toggleContent(record.id, record.revision);
      let regionSet = byRegion.get(record.region);
      if (!regionSet) byRegion.set(record.region, (regionSet = new Set()));
      regionSet.add(record.id);
      for (const edge of record.lineage) {
        let set = downstream.get(edge.upstream);
        if (!set) downstream.set(edge.upstream, (set = new Set()));
        set.add(record.id);
      }
      if (record.lineage.length > 0) withLineage.add(record.id);
      graph.set(record.id, record.lineage, record.modified ? Date.parse(record.modified) || 0 : 0, record.access.residency);
      version += 1;
    },
    remove(id) {
      const current = search.get(id);
      if (!current) return;
      unlink(current);
      toggleContent(current.id, current.revision);
      search.remove(id);
      version += 1;
    },
    regionIds: (region) => byRegion.get(region) ?? new Set(),
    regionCodes: () => [...byRegion.entries()].filter(([, ids]) => ids.size > 0).map(([region]) => region),
    regionQualityMasks: (region, include) => [...(byRegion.get(region) ?? [])].filter((id) => !include || include(id)).map((id) => search.qualityMaskOf(id)!),
    downstreamIds: (id) => [...(downstream.get(id) ?? [])].sort(),
    downstreamSet: (id) => downstream.get(id) ?? noIds,
    search: (request) => search.search(request),
    suggest: (prefix, limit, within, recheck) => search.suggest(prefix, limit, within, recheck),
    documentsWhere: (allows) => search.documentsWhere(allows),
    get lineageGraph() {
      return graph;
    },
    idsWithLineage: () => [...withLineage].sort(),
    snapshotState: () => ({ search, byRegion, downstream, withLineage, graph, contentHigh, contentLow }),
    restoreState(state) {
      ({ search, byRegion, downstream, withLineage, graph, contentHigh, contentLow } = state);
      version += 1;
    },
  };
}
