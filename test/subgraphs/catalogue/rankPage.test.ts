import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/measure.ts';
import { rankPage } from '../../../subgraphs/catalogue/search/diversifyHits.ts';
import { breadthBuckets, breadthUnit, rankingTiers, relevanceFraction, withBreadthBucket } from '../../../subgraphs/catalogue/search/rankingRules.ts';
import { selectTopByKey, type Sortable } from '../../../subgraphs/catalogue/search/searchPaging.ts';

/**
 * The long way `rankPage` must agree with: fold format groups, put every
 * hit's key in its breadth bucket, then page over every hit.
 */
function reference(
  docs: Int32Array,
  keys: Float64Array,
  count: number,
  regionOf: Uint16Array,
  groupOf: Int32Array,
  idOf: (doc: number) => string,
  options: { crowdRegions: boolean; groupFormats: boolean },
  after: Sortable | undefined,
  limit: number,
) {
  docs = docs.slice(0, count);
  keys = keys.slice(0, count);
  const before = (i: number, j: number) => keys[i]! > keys[j]! || (keys[i] === keys[j] && idOf(docs[i]!) < idOf(docs[j]!));
  const variants = new Map<number, number[]>();
  if (options.groupFormats) {
    const members = new Map<number, number[]>();
    for (let i = 0; i < count; i += 1) if (groupOf[docs[i]!]! >= 0) members.set(groupOf[docs[i]!]!, [...(members.get(groupOf[docs[i]!]!) ?? []), i]);
    const dropped = new Set<number>();
    for (const list of members.values()) {
      if (list.length < 2) continue;
      list.sort((i, j) => (before(i, j) ? -1 : 1));
      variants.set(docs[list[0]!]!, list.slice(1).map((i) => docs[i]!));
      for (const i of list.slice(1)) dropped.add(i);
    }
    const kept = [...Array(count).keys()].filter((i) => !dropped.has(i));
    docs = Int32Array.from(kept, (i) => docs[i]!);
    keys = Float64Array.from(kept, (i) => keys[i]!);
    count = kept.length;
  }
  const final = keys.slice();
  if (options.crowdRegions) {
    const last = breadthBuckets - 1;
    for (let i = 0; i < count; i += 1) final[i] = withBreadthBucket(keys[i]!, last);
    const byRegion = new Map<number, number[]>();
    for (let i = 0; i < count; i += 1) byRegion.set(regionOf[docs[i]!]!, [...(byRegion.get(regionOf[docs[i]!]!) ?? []), i]);
    for (const list of byRegion.values()) {
      list.sort((i, j) => (before(i, j) ? -1 : 1));
      list.slice(0, 2 * last).forEach((i, rank) => {
        final[i] = withBreadthBucket(final[i]!, Math.floor(rank / 2) - last);
      });
    }
  }
  const selected = selectTopByKey(count, final, (i) => idOf(docs[i]!), after, limit);
  return { page: selected.page.map((i) => ({ doc: docs[i]!, key: final[i]! })), hasMore: selected.hasMore, count, variants };
}

describe('rankPage', () => {
  it('pages exactly as folding groups, bucketing every hit and paging over all of them would, from any cursor', () => {
    const random = mulberry32(5);
    for (let round = 0; round < 300; round += 1) {
      const documents = 1 + Math.floor(random() * 400);
      const regions = 1 + Math.floor(random() * 6);
      const regionOf = Uint16Array.from({ length: documents }, () => Math.floor(random() * regions));
      // Groups within a region, as format groups are.
      const groupOf = Int32Array.from({ length: documents }, (_, doc) => (random() < 0.2 ? regionOf[doc]! * 100 + Math.floor(random() * 5) : -1));
      const ids = Array.from({ length: documents }, (_, doc) => `id-${(doc * 7919) % 1009}`);
      const idOf = (doc: number) => ids[doc]!;
      const docs = Int32Array.from([...Array(documents).keys()].filter(() => random() < 0.7));
      const count = docs.length;
      // Few distinct keys, so ties by id are common; some differ only in the last bits of their relevance.
      const keys = Float64Array.from({ length: count + 3 }, () =>
        rankingTiers(1 + Math.floor(random() * 3), 1, Math.floor(random() * 3), 1, 0, false) + relevanceFraction(random() < 0.5 ? Math.floor(random() * 4) : 1 + random() * 1e-12),
      );
      const options = { crowdRegions: random() < 0.7, groupFormats: random() < 0.7 };
      const limit = 1 + Math.floor(random() * 25);
      let after: Sortable | undefined;
      for (let page = 0; page < 30; page += 1) {
        const expected = reference(docs, keys, count, regionOf, groupOf, idOf, options, after, limit);
        const before = keys.slice();
        const actual = rankPage(docs, keys, count, regionOf, regions, groupOf, idOf, options, after, limit);
        expect(actual).toEqual(expected);
        expect(keys).toEqual(before);
        const last = actual.page.at(-1);
        if (!last || !actual.hasMore) break;
        after = { key: last.key, id: idOf(last.doc) };
      }
    }
  });

  it('treats a cursor key that is not a number as paging does', () => {
    const docs = Int32Array.from([0, 1, 2]);
    const keys = Float64Array.from([3 * breadthUnit + 0.5, 2 * breadthUnit, 3 * breadthUnit + 0.5]);
    const regionOf = new Uint16Array(3);
    const groupOf = new Int32Array(3).fill(-1);
    const options = { crowdRegions: false, groupFormats: false };
    const page = (key: number | string) => rankPage(docs, keys, 3, regionOf, 1, groupOf, String, options, { key, id: '0' }, 5).page.map((hit) => hit.doc);
    expect(page(`${3 * breadthUnit + 0.5}`)).toEqual([1]);
    expect(page('not a number')).toEqual([]);
  });
});
