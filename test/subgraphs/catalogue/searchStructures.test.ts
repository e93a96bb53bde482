import { describe, expect, it } from 'vitest';
import { generateDatasets } from '../../../bench/generateDatasets.ts';
import { mulberry32 } from '../../../bench/measure.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { SearchIndex } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import { Bitset } from '../../../subgraphs/catalogue/search/bitset.ts';
import { FacetIndex, facetFields, facetValuesOf } from '../../../subgraphs/catalogue/search/facetIndex.ts';
import * as tallyInWorker from '../../../subgraphs/catalogue/search/tallyInWorker.ts';
import { HashMultimap } from '../../../subgraphs/catalogue/search/hashMultimap.ts';
import { RecordArena } from '../../../subgraphs/catalogue/search/recordArena.ts';
import { selectPage, selectTopByKey, type Sortable } from '../../../subgraphs/catalogue/search/searchPaging.ts';

describe('HashMultimap', () => {
  it('holds the same entries as a Map of sets through random adds and deletes, colliding keys included', () => {
    const random = mulberry32(7);
    const map = new HashMultimap();
    const reference = new Map<number, Set<number>>();
    for (let step = 0; step < 20_000; step += 1) {
      // Few keys, some above 2^31 and some equal modulo the table size, so chains and removed slots are exercised.
      const key = [3, 1027, 0xfffffff3, 2 ** 31 + 3, Math.floor(random() * 4000)][Math.floor(random() * 5)]!;
      const value = Math.floor(random() * 300);
      const values = reference.get(key) ?? new Set<number>();
      if (random() < 0.6 && !values.has(value)) {
        map.add(key, value);
        values.add(value);
        reference.set(key, values);
      } else if (values.has(value)) {
        map.delete(key, value);
        values.delete(value);
      }
    }
    let size = 0;
    for (const [key, values] of reference) {
      expect(map.get(key).sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
      size += values.size;
    }
    expect(map.size).toBe(size);
    expect(map.get(123_456_789)).toEqual([]);
  });
});

describe('RecordArena', () => {
  it('returns every stored record as it was put, through replacements, removals and compactions', () => {
    const records = generateDatasets(600, 5);
    const random = mulberry32(11);
    const arena = new RecordArena();
    const reference = new Map<number, DatasetRecord>();
    for (let step = 0; step < 30_000; step += 1) {
      const doc = Math.floor(random() * 12_000);
      if (random() < 0.55) {
        const record = records[Math.floor(random() * records.length)]!;
        arena.put(doc, record);
        reference.set(doc, record);
      } else {
        arena.remove(doc);
        reference.delete(doc);
      }
      if (step % 997 === 0) for (const [each, record] of [...reference].slice(0, 40)) expect(arena.get(each)).toEqual(record);
    }
    for (let doc = 0; doc < 12_000; doc += 1) expect(arena.get(doc)).toEqual(reference.get(doc));
  });
});

describe('selectTopByKey', () => {
  it('pages exactly like selectPage over numeric keys with ties, from any cursor', () => {
    const random = mulberry32(3);
    for (let round = 0; round < 200; round += 1) {
      const count = Math.floor(random() * 300);
      const keys = Float64Array.from({ length: count }, () => Math.floor(random() * 20) / 4);
      const ids = Array.from({ length: count }, (_, i) => `id-${(i * 7919) % 1000}`);
      const idAt = (i: number) => ids[i]!;
      const limit = 1 + Math.floor(random() * 30);
      let after: Sortable | undefined;
      for (let page = 0; page < 20; page += 1) {
        const expected = selectPage(count, (i) => keys[i]!, idAt, 'RELEVANCE', after, limit);
        const actual = selectTopByKey(count, keys, idAt, after, limit);
        expect(actual).toEqual(expected);
        const last = actual.page.at(-1);
        if (last === undefined || !actual.hasMore) break;
        after = { key: keys[last]!, id: ids[last]! };
      }
    }
  });
});

describe('SearchIndex facet counts (property)', () => {
  it('equal brute-force counts over every hit, for random queries, filters and removals', () => {
    const records = generateDatasets(3000, 17);
    const index = new SearchIndex();
    for (const record of records) index.upsert(record);
    const random = mulberry32(23);
    for (const record of records.slice(0, 400)) if (random() < 0.5) index.remove(record.id);
    const titleWords = records.slice(0, 300).flatMap((record) => record.title.flatMap((text) => text.value.split(/[^\p{L}\p{N}]+/u))).filter((word) => word.length > 1);
    const regions = [...new Set(records.map((record) => record.region))];
    for (let round = 0; round < 40; round += 1) {
      const word = titleWords[Math.floor(random() * titleWords.length)]!;
      const text = [word, random() < 0.5 ? titleWords[Math.floor(random() * titleWords.length)]! : '', random() < 0.3 ? word.slice(0, 3) : ''].join(' ');
      const filter = random() < 0.4 ? { fields: { region: [regions[Math.floor(random() * regions.length)]!] } } : undefined;
      const request = { text, sort: 'RELEVANCE' as const, first: 10_000, facetLimit: 10_000, ...(filter ? { filter } : {}) };
      const outcome = index.search(request);
      expect(outcome.hits).toHaveLength(outcome.total);
      for (const field of facetFields) {
        const expected = new Map<string, number>();
        for (const hit of outcome.hits) for (const value of facetValuesOf(hit.record)[field]) expected.set(value, (expected.get(value) ?? 0) + 1);
        const actual = new Map(outcome.facets[field].map(({ value, count }) => [value, count]));
        expect(actual).toEqual(expected);
      }
    }
  });
});

describe('SearchIndex facet counts over most of the catalogue (property)', () => {
  it('give the brute-force top values, ties by value, whether keywords are counted per hit or against their bitsets', () => {
    const records = generateDatasets(3000, 41);
    // Small bitsets from 8 documents, so broad searches count keywords against bitsets and stop early.
    const index = new SearchIndex({ facetBitsetFrom: 8 });
    for (const record of records) index.upsert(record);
    const random = mulberry32(43);
    for (const record of records.slice(0, 600)) if (random() < 0.5) index.remove(record.id);
    const commonWords = ['statistics', 'data', 'monthly', 'annual', ''];
    for (let round = 0; round < 40; round += 1) {
      const text = commonWords[round % commonWords.length]!;
      const facetLimit = 1 + (round % 8);
      const outcome = index.search({ text, sort: 'RELEVANCE', first: 3000, facetLimit });
      expect(outcome.hits).toHaveLength(outcome.total);
      for (const field of facetFields) {
        const counts = new Map<string, number>();
        for (const hit of outcome.hits) for (const value of facetValuesOf(hit.record)[field]) counts.set(value, (counts.get(value) ?? 0) + 1);
        const expected = [...counts]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, facetLimit)
          .map(([value, count]) => ({ value, count }));
        expect(outcome.facets[field]).toEqual(expected);
      }
    }
  });
});

describe('FacetIndex counting (property)', () => {
  it('gives the brute-force top values by tally, by tally of the non-hits and by bitsets alike, at any share of hits, through removals, on a second thread too', async () => {
    const records = generateDatasets(2000, 47);
    const byTally = new FacetIndex(8, 'tally');
    const byComplement = new FacetIndex(8, 'complement');
    const byBitsets = new FacetIndex(8, 'bitsets');
    // Every tally on the worker thread, however short.
    const inWorker = new FacetIndex(8, 'tally', 0);
    const complementInWorker = new FacetIndex(8, 'complement', 0);
    const all = [byTally, byComplement, byBitsets, inWorker, complementInWorker];
    expect(await tallyInWorker.tallyWorkerListening()).toBe(true);
    const talliesBefore = tallyInWorker.talliesInWorker;
    records.forEach((record, doc) => all.forEach((facets) => facets.add(doc, record)));
    const random = mulberry32(53);
    const live = new Set(records.keys());
    for (let doc = 0; doc < 500; doc += 1) {
      if (random() < 0.4) continue;
      live.delete(doc);
      all.forEach((facets) => facets.remove(doc));
    }
    const liveSet = new Bitset();
    for (const doc of live) liveSet.add(doc);
    for (let round = 0; round < 60; round += 1) {
      const share = [0.01, 0.1, 0.5, 0.9, 1][round % 5]!;
      const limit = 1 + Math.floor(random() * 6);
      const hits = new Bitset();
      const hitDocs = [...live].filter(() => random() < share).sort((a, b) => a - b);
      for (const doc of hitDocs) hits.add(doc);
      const counted = new Map(facetFields.map((field) => [field, new Map<string, number>()]));
      for (const doc of hitDocs) {
        const values = facetValuesOf(records[doc]!);
        for (const field of facetFields) for (const value of values[field]) counted.get(field)!.set(value, (counted.get(field)!.get(value) ?? 0) + 1);
      }
      const expected = Object.fromEntries(
        facetFields.map((field) => [
          field,
          [...counted.get(field)!]
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .slice(0, limit)
            .map(([value, count]) => ({ value, count })),
        ]),
      );
      expect(byTally.count(hits, hitDocs.length, limit, liveSet, Int32Array.from(hitDocs))).toEqual(expected);
      expect(byTally.count(hits, hitDocs.length, limit, liveSet)).toEqual(expected);
      expect(byComplement.count(hits, hitDocs.length, limit, liveSet)).toEqual(expected);
      expect(byBitsets.count(hits, hitDocs.length, limit, liveSet)).toEqual(expected);
      expect(inWorker.countLater(hits, hitDocs.length, limit, liveSet)()).toEqual(expected);
      expect(complementInWorker.countLater(hits, hitDocs.length, limit, liveSet)(Int32Array.from(hitDocs))).toEqual(expected);
    }
    expect(tallyInWorker.talliesInWorker - talliesBefore).toBe(120);
  });
});

describe('SearchIndex first pages (property)', () => {
  // Reused document numbers leave lists out of order (read whole); with lists in order and bitsets from 64 entries, weak lists mark hits from the bitset and seek scored documents.
  it.each([
    { postingBitsetFrom: undefined, reuse: true },
    { postingBitsetFrom: 64, reuse: false },
  ])('ranks a first page by relevance exactly as scoring every hit does (%o)', ({ postingBitsetFrom, reuse }) => {
    const records = generateDatasets(4000, 29);
    const index = new SearchIndex(postingBitsetFrom ? { postingBitsetFrom } : {});
    for (const record of records) index.upsert(record);
    const random = mulberry32(31);
    const removed = records.slice(0, 240).filter(() => random() < 0.5);
    for (const record of removed) index.remove(record.id);
    // Compaction frees their numbers; re-adding half of them reuses those, so lists are no longer ascending (read whole, not sought in).
    index.compact();
    if (reuse) for (const record of removed.slice(0, removed.length / 2)) index.upsert(record);
    const titleWords = records.slice(0, 400).flatMap((record) => record.title.flatMap((text) => text.value.split(/[^\p{L}\p{N}]+/u))).filter((word) => word.length > 1);
    const pick = () => titleWords[Math.floor(random() * titleWords.length)]!;
    for (let round = 0; round < 200; round += 1) {
      const wordCount = 1 + Math.floor(random() * 5);
      const words = Array.from({ length: wordCount }, pick);
      if (random() < 0.3) words.push(pick().slice(0, 2 + Math.floor(random() * 3)));
      // A quarter of the queries are a whole title (of a document past the sample), so the exact-title boost is in play.
      const text = round % 4 === 3 ? records[1000 + Math.floor(random() * 3000)]!.title[0]!.value : words.join(' ');
      const first = 1 + Math.floor(random() * 30);
      const page = index.search({ text, sort: 'RELEVANCE', first });
      // A cursor before every hit makes the index score them all.
      const everything = index.search({ text, sort: 'RELEVANCE', first, after: { key: Infinity, id: '' } });
      expect(page.total).toBe(everything.total);
      expect(page.hasMore).toBe(everything.hasMore);
      expect(page.hits.map((hit) => [hit.id, hit.key])).toEqual(everything.hits.map((hit) => [hit.id, hit.key]));
      expect(page.facets).toEqual(everything.facets);
    }
  });
});
