import SearchableMap from 'minisearch/SearchableMap';
import type { CatalogueIndex, CatalogueIndexState } from '../createCatalogueIndex.ts';
import { AdjacencyPool } from '../adjacencyPool.ts';
import { LineageGraph } from '../lineageGraph.ts';
import { LineageWalker } from '../lineageWalk.ts';
import { Bitset } from '../search/bitset.ts';
import { MatchScratch } from '../search/matchScratch.ts';
import { SearchIndex } from '../search/createSearchIndex.ts';
import { FacetIndex } from '../search/facetIndex.ts';
import { ValuePosting } from '../search/valuePosting.ts';
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
    transient: { scopes: 'fresh', grouped: 'fresh', derivedLists: 'fresh', matchScratch: 'fresh', scores: 'zeroed', masks: 'zeroed', hitDocs: 'zeroed', hitScores: 'zeroed', sortKeyScratch: 'zeroed' },
  },
  { type: TermDictionary },
  { type: SearchableMap },
  { type: Postings, trim: { docs: 'length', tfs: 'length', titlePositions: 'length', languages: 'length' } },
  { type: Bitset },
  // How long a tally runs on its own thread is this code's choice, not the snapshot's.
  { type: FacetIndex, transient: { parallelFrom: 'fresh' } },
  { type: ValuePosting },
  { type: RecordArena, transient: { parsed: 'fresh', inflated: 'fresh' } },
  { type: HashMultimap },
  { type: MatchScratch },
  // The lineage graph as it is (its typed arrays, its numbering of ids): rebuilding it from the datasets' edges took a third of a load.
  { type: LineageGraph },
  { type: AdjacencyPool },
  { type: LineageWalker },
];

/**
 * The index as parts of a snapshot body (see `writeSnapshotFile`), encoded
 * in time slices (searches go on meanwhile) into a copy: nothing may change
 * the index until this resolves, and anything may after. Past `deadline`
 * (a `performance.now()` time), `SnapshotDeadlineError`.
 */
export function encodeIndex(index: CatalogueIndex, deadline = Infinity): Promise<Buffer[]> {
  return encodeStructureSliced(index.snapshotState(), indexClasses, 20, deadline);
}

/** Decodes a snapshot body into index structures; `SnapshotDecodeError` if it is not one. */
export function decodeIndex(body: Buffer): CatalogueIndexState {
  const decoded = decodeStructure(body, indexClasses) as Partial<CatalogueIndexState> | null;
  if (!decoded || !(decoded.search instanceof SearchIndex) || !(decoded.byRegion instanceof Map) || !(decoded.graph instanceof LineageGraph)) {
    throw new SnapshotDecodeError('The snapshot body is not a catalogue index.');
  }
  return decoded as CatalogueIndexState;
}
