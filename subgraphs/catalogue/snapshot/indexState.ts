import SearchableMap from 'minisearch/SearchableMap';
import type { LineageEdgeRecord } from '../../../schema/datasetRecord.ts';
import type { CatalogueIndex, CatalogueIndexState } from '../createCatalogueIndex.ts';
import { LineageGraph } from '../lineageGraph.ts';
import { Bitset } from '../search/bitset.ts';
import { MatchScratch } from '../search/collectMatches.ts';
import { SearchIndex } from '../search/createSearchIndex.ts';
import { FacetIndex, ValuePosting } from '../search/facetIndex.ts';
import { HashMultimap } from '../search/hashMultimap.ts';
import { Postings } from '../search/postings.ts';
import { RecordArena } from '../search/recordArena.ts';
import { TermDictionary } from '../search/termDictionary.ts';
import { decodeStructure, encodeStructureSliced, SnapshotDecodeError, type ClassRegistry } from './structureCodec.ts';

/**
 * The classes an index snapshot holds, with what of each is not written:
 * caches and per-search scratch, made afresh (scratch sized to the index).
 * The order is part of the format (a class is written by its number).
 */
export const indexClasses: ClassRegistry = [
  {
    type: SearchIndex,
    transient: { scopes: 'fresh', matchScratch: 'fresh', scores: 'zeroed', masks: 'zeroed', hitDocs: 'zeroed', hitScores: 'zeroed', sortKeyScratch: 'zeroed' },
  },
  { type: TermDictionary },
  { type: SearchableMap },
  { type: Postings, trim: { docs: 'length', tfs: 'length', titlePositions: 'length' } },
  { type: Bitset },
  { type: FacetIndex },
  { type: ValuePosting },
  { type: RecordArena, transient: { parsed: 'fresh', inflated: 'fresh' } },
  { type: HashMultimap },
  { type: MatchScratch },
];

/** The lineage graph as its public methods give it: per dataset, its residency, modified time and declared edges (`LineageGraph.set`'s arguments). */
interface LineageState {
  ids: string[];
  residency: string[];
  modifiedMs: Float64Array;
  /** Declared edges of the datasets that have some. */
  edges: Map<string, LineageEdgeRecord[]>;
}

interface EncodedIndex extends Omit<CatalogueIndexState, 'graph'> {
  lineage: LineageState;
}

/** The lineage graph's datasets in document order (the order a rebuild would add them in), read through its public methods. */
function lineageOf(state: CatalogueIndexState): LineageState {
  const { search, graph } = state;
  const byDoc: string[] = [];
  for (const ids of state.byRegion.values()) for (const id of ids) byDoc[search.documentOf(id)!] = id;
  const ids = byDoc.filter((id) => id !== undefined);
  const residency: string[] = new Array(ids.length);
  const modifiedMs = new Float64Array(ids.length);
  const edges = new Map<string, LineageEdgeRecord[]>();
  const table = graph.edgeTable();
  ids.forEach((id, i) => {
    const node = graph.find(id)!;
    residency[i] = graph.residency[node]!;
    modifiedMs[i] = search.modifiedMsOf(id) ?? 0;
    if (!state.withLineage.has(id)) return;
    const slots = graph.edgeSlotsOf(node);
    edges.set(id, table.records.slice(slots.from, slots.to));
  });
  return { ids, residency, modifiedMs, edges };
}

/**
 * The index as parts of a snapshot body (see `writeSnapshotFile`), encoded
 * in time slices (searches go on meanwhile). Nothing may change the index
 * until the parts are written: the large ones are views of it.
 */
export function encodeIndex(index: CatalogueIndex): Promise<Buffer[]> {
  const state = index.snapshotState();
  const { graph: _graph, ...rest } = state;
  const encoded: EncodedIndex = { ...rest, lineage: lineageOf(state) };
  return encodeStructureSliced(encoded, indexClasses);
}

/** Decodes a snapshot body into index structures, the lineage graph rebuilt from its datasets' edges; `SnapshotDecodeError` if it is not one. */
export function decodeIndex(body: Buffer): CatalogueIndexState {
  const decoded = decodeStructure(body, indexClasses) as Partial<EncodedIndex> | null;
  if (!decoded || !(decoded.search instanceof SearchIndex) || !(decoded.byRegion instanceof Map) || !decoded.lineage) {
    throw new SnapshotDecodeError('The snapshot body is not a catalogue index.');
  }
  const { lineage, ...rest } = decoded as EncodedIndex;
  const graph = new LineageGraph(Math.max(1024, lineage.ids.length));
  const none: LineageEdgeRecord[] = [];
  for (let i = 0; i < lineage.ids.length; i += 1) {
    const id = lineage.ids[i]!;
    graph.set(id, lineage.edges.get(id) ?? none, lineage.modifiedMs[i]!, lineage.residency[i]!);
  }
  return { ...rest, graph };
}
