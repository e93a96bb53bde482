import { describe, expect, it } from 'vitest';
import { generateDatasets } from '../../../../bench/generateDatasets.ts';
import { createCatalogueIndex, type CatalogueIndex } from '../../../../subgraphs/catalogue/createCatalogueIndex.ts';
import type { SearchRequest } from '../../../../subgraphs/catalogue/search/createSearchIndex.ts';
import { decodeIndex, encodeIndex } from '../../../../subgraphs/catalogue/snapshot/indexState.ts';
import { decodeStructure, encodeStructure, SnapshotDecodeError, SnapshotEncodeError } from '../../../../subgraphs/catalogue/snapshot/structureCodec.ts';

const records = generateDatasets(1_500, 3);
const requests: SearchRequest[] = [
  { text: 'population', sort: 'RELEVANCE', first: 20 },
  { text: 'trade statistics', sort: 'RELEVANCE', first: 20, crowdRegions: true, groupFormats: true },
  { text: 'transprt', sort: 'RELEVANCE', first: 10 },
  { text: 'hong kong', sort: 'MODIFIED', first: 10 },
  { text: '', sort: 'TITLE', first: 10, filter: { fields: { theme: ['ECON'] } } },
];

/** What searches answer, reduced to comparable data. */
const answersOf = (index: CatalogueIndex) =>
  requests.map((request) => {
    const outcome = index.search(request);
    return { ...outcome, hits: outcome.hits.map((hit) => ({ id: hit.id, score: hit.score, revision: hit.record.revision, highlights: hit.highlights, variants: hit.variants.map((variant) => variant.record.id) })) };
  });

async function restored(index: CatalogueIndex): Promise<CatalogueIndex> {
  const copy = createCatalogueIndex();
  copy.restoreState(decodeIndex(Buffer.concat(await encodeIndex(index))));
  return copy;
}

describe('index snapshot state', () => {
  it('restores an index that answers, and goes on changing, exactly as the original', async () => {
    const original = createCatalogueIndex();
    for (const record of records) original.upsert(record);
    for (const record of records.slice(0, 40)) original.remove(record.id);
    const copy = await restored(original);
    expect(copy.size()).toBe(original.size());
    expect(copy.contentVersion).toBe(original.contentVersion);
    expect(answersOf(copy)).toEqual(answersOf(original));
    expect(copy.suggest('popu', 8).map((record) => record.id)).toEqual(original.suggest('popu', 8).map((record) => record.id));
    const withLineage = original.idsWithLineage();
    expect(withLineage.length).toBeGreaterThan(0);
    expect(copy.idsWithLineage()).toEqual(withLineage);
    for (const id of withLineage.slice(0, 50)) {
      const upstream = original.get(id)!.lineage[0]!.upstream;
      expect(copy.downstreamIds(upstream)).toEqual(original.downstreamIds(upstream));
    }

    // The same changes to both: shared structures (an access group in its map and in each document's slot) must still be shared.
    for (const index of [original, copy]) {
      for (const record of records.slice(40, 200)) index.upsert({ ...record, title: [{ ...record.title[0]!, value: `${record.title[0]!.value} estuary` }], revision: `${record.revision}-2` });
      for (const record of records.slice(200, 400)) index.remove(record.id);
      for (const record of records.slice(0, 40)) index.upsert(record);
    }
    expect(copy.contentVersion).toBe(original.contentVersion);
    expect(answersOf(copy)).toEqual(answersOf(original));
    expect(copy.search({ text: 'estuary', sort: 'RELEVANCE', first: 5 } as SearchRequest).total).toBe(160);
    // Every access group's documents, as the copy sees them after the changes.
    const everything = (index: CatalogueIndex) => [...index.documentsWhere(() => true)].length;
    expect(everything(copy)).toBe(everything(original));
  });

  it('refuses to write what it could not restore, and detects a body cut short', () => {
    class Unknown {
      value = 1;
    }
    expect(() => encodeStructure({ held: new Unknown() }, [])).toThrow(SnapshotEncodeError);
    expect(() => encodeStructure({ callback: () => 1 }, [])).toThrow(SnapshotEncodeError);
    const body = Buffer.concat(encodeStructure({ ids: ['a', 'b', undefined, 'a'], numbers: [1, 2.5], map: new Map([['x', new Set([1, 2])]]) }, []));
    expect(decodeStructure(body, [])).toEqual({ ids: ['a', 'b', undefined, 'a'], numbers: [1, 2.5], map: new Map([['x', new Set([1, 2])]]) });
    expect(() => decodeStructure(body.subarray(0, body.length - 3), [])).toThrow(SnapshotDecodeError);
  });

  it('makes a fresh field afresh, written or not (a body written before the class had it)', () => {
    class Before {
      kept = 1;
    }
    class After {
      kept = 1;
      cache = new Map<string, number>();
    }
    const written = Buffer.concat(encodeStructure(Object.assign(new Before(), { kept: 7 }), [{ type: Before }]));
    const read = decodeStructure(written, [{ type: After, transient: { cache: 'fresh' } }]) as After;
    expect(read).toBeInstanceOf(After);
    expect(read.kept).toBe(7);
    expect(read.cache).toEqual(new Map());
  });
});
