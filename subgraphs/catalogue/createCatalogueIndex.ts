import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { tokenize } from './textTokens.ts';

interface Indexed {
  record: DatasetRecord;
  titleTokens: Set<string>;
  otherTokens: Set<string>;
}

export interface SearchPage {
  total: number;
  hits: DatasetRecord[];
}

/**
 * The catalogue's harvested copy of every region: records by id, each
 * region's ids, and the reverse lineage index (upstream id → the datasets
 * derived from it). Lineage is read from the records themselves, so an edge
 * lives exactly as long as the dataset that declares it.
 */
export interface CatalogueIndex {
  get(id: string): DatasetRecord | undefined;
  upsert(record: DatasetRecord): void;
  remove(id: string): void;
  /** Ids of the region's datasets currently held. */
  regionIds(region: string): ReadonlySet<string>;
  /** Ids of the datasets that declare `id` as an upstream. */
  downstreamIds(id: string): readonly string[];
  /** Goes up by one with every change; keys caches of search results. */
  readonly version: number;
  size(): number;
  /**
   * Datasets matching any word of `query` (every dataset when it is blank),
   * most matched words first, title words counting triple; ties by id.
   */
  search(query: string, offset: number, limit: number): SearchPage;
}

function indexRecord(record: DatasetRecord): Indexed {
  const titleTokens = new Set(record.title.flatMap((text) => tokenize(text.value)));
  const other = [
    ...record.description.map((text) => text.value),
    ...record.keywords,
    record.publisher?.name ?? '',
    record.identifier,
  ].join(' ');
  return { record, titleTokens, otherTokens: new Set(tokenize(other)) };
}

export function createCatalogueIndex(): CatalogueIndex {
  const byId = new Map<string, Indexed>();
  const byRegion = new Map<string, Set<string>>();
  const downstream = new Map<string, Set<string>>();
  let version = 0;

  function unlink(record: DatasetRecord): void {
    for (const edge of record.lineage) {
      const set = downstream.get(edge.upstream);
      set?.delete(record.id);
      if (set?.size === 0) downstream.delete(edge.upstream);
    }
    byRegion.get(record.region)?.delete(record.id);
  }

  return {
    get: (id) => byId.get(id)?.record,
    get version() {
      return version;
    },
    size: () => byId.size,
    upsert(record) {
      const current = byId.get(record.id);
      if (current?.record.revision === record.revision) return;
      if (current) unlink(current.record);
      byId.set(record.id, indexRecord(record));
      let regionSet = byRegion.get(record.region);
      if (!regionSet) byRegion.set(record.region, (regionSet = new Set()));
      regionSet.add(record.id);
      for (const edge of record.lineage) {
        let set = downstream.get(edge.upstream);
        if (!set) downstream.set(edge.upstream, (set = new Set()));
        set.add(record.id);
      }
      version += 1;
    },
    remove(id) {
      const current = byId.get(id);
      if (!current) return;
      unlink(current.record);
      byId.delete(id);
      version += 1;
    },
    regionIds: (region) => byRegion.get(region) ?? new Set(),
    downstreamIds: (id) => [...(downstream.get(id) ?? [])].sort(),
    search(query, offset, limit) {
      const words = [...new Set(tokenize(query))];
      const scored: { record: DatasetRecord; score: number }[] = [];
      for (const { record, titleTokens, otherTokens } of byId.values()) {
        let score = words.length === 0 ? 1 : 0;
        for (const word of words) {
          if (titleTokens.has(word)) score += 3;
          else if (otherTokens.has(word)) score += 1;
        }
        if (score > 0) scored.push({ record, score });
      }
      scored.sort((a, b) => b.score - a.score || (a.record.id < b.record.id ? -1 : 1));
      return { total: scored.length, hits: scored.slice(offset, offset + limit).map((hit) => hit.record) };
    },
  };
}
