import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/measure.ts';
import { SearchIndex } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import type { SearchOutcome, SearchRequest } from '../../../subgraphs/catalogue/search/searchTypes.ts';
import { record } from '../../support/datasetRecord.ts';

/**
 * Few words, so that queries of several words have more hits than a first
 * page keys them all from (16,384); no dataset has `lighthouse` and another
 * of the words but one. A query holding `lighthouse` matches no dataset in
 * every word, so its hits are those matching any: with `beacon` (in a few
 * descriptions), fewer than a page's reach match the most words, and the
 * page draws from those matching one fewer.
 */
const words = ['harbour', 'rainfall', 'tides', 'census'];
const queries = ['harbour rainfall', 'rainfall census', 'census tides', 'rainfall', 'harbour lighthouse', 'lighthouse census tides', 'beacon harbour rainfall lighthouse', 'beacon lighthouse tides'];
const settingsTried = [{ crowdRegions: true, groupFormats: true }, { crowdRegions: false, groupFormats: true }, { crowdRegions: true, groupFormats: false }, {}];
const summary = (hits: SearchOutcome['hits']) => hits.map((hit) => [hit.id, hit.key, hit.score, hit.variants.map((variant) => variant.record.id)]);

let index: SearchIndex;
beforeAll(() => {
  const random = mulberry32(9);
  index = new SearchIndex();
  for (let i = 0; i < 34_000; i += 1) {
    const title = Array.from({ length: 3 + Math.floor(random() * 4) }, () => words[Math.floor(random() * words.length)]!).join(' ');
    const formatted = i % 11 === 0 ? `${title} (KML)` : title;
    index.upsert(record({ title: [{ lang: 'en', value: formatted }], description: [{ lang: 'en', value: `${words[i % 4]} ${words[(i * 3) % 4]} records${i % 997 === 0 ? ' beacon' : ''}` }], region: `R${i % 5}`, identifier: `d${i}` }));
    if (i % 11 === 0) index.upsert(record({ title: [{ lang: 'en', value: `${title} (SHP)` }], region: `R${i % 5}`, identifier: `d${i}-shp` }));
    if (i % 13 === 0) index.upsert(record({ title: [{ lang: 'en', value: `lighthouse ${i % 2 === 0 ? 'census' : 'tides'}` }], region: `R${i % 5}`, identifier: `d${i}-light` }));
    // A small region whose datasets hold the words only in their descriptions: region breadth alone brings its best to a first page.
    if (i % 500 === 0) index.upsert(record({ title: [{ lang: 'en', value: `Register ${i}` }], description: [{ lang: 'en', value: `${words.join(' ')} register` }], region: 'SMALL', identifier: `s${i}` }));
  }
});

/**
 * A first page by relevance scores only the hits its rules leave within
 * reach (`PageReach`) when its hits match different numbers of words; a
 * page after a cursor scores every hit. Both must rank alike: the first
 * page of 2n is the first page of n and the page after it.
 */
describe('keying only the hits that can reach a first page', () => {
  it('ranks a first page as a page after a cursor, which keys every hit, does', () => {
    for (const text of queries) {
      for (const settings of settingsTried) {
        for (const size of [3, 10, 25]) {
          const request: SearchRequest = { text, sort: 'RELEVANCE', first: size, ...settings };
          const whole = index.search({ ...request, first: size * 2 });
          if (text.includes(' ')) expect(whole.datasetCount).toBeGreaterThan(16_384);
          expect(whole.allWords).toBe(!text.includes('lighthouse'));
          const first = index.search(request);
          // After a cursor above every key: the same page, every hit keyed.
          const unbounded = index.search({ ...request, after: { id: '', key: Number.MAX_VALUE } });
          expect([summary(first.hits), first.hasMore, first.total]).toEqual([summary(unbounded.hits), unbounded.hasMore, unbounded.total]);
          if (settings.crowdRegions && size >= 10 && !text.includes('lighthouse')) expect(whole.hits.some((hit) => hit.record.region === 'SMALL')).toBe(true);
          const last = first.hits.at(-1)!;
          const second = index.search({ ...request, after: { id: last.id, key: last.key } });
          expect(summary([...first.hits, ...second.hits])).toEqual(summary(whole.hits));
          expect([first.total, first.datasetCount, first.facets]).toEqual([whole.total, whole.datasetCount, whole.facets]);
          expect([second.total, second.datasetCount]).toEqual([whole.total, whole.datasetCount]);
        }
      }
    }
  });

  /**
   * The lists are walked in chunks of the document space while every list
   * is ascending, and list by list once one is not (a freed document number
   * reused): each hit's terms are added in one order either way, so every
   * key is the same to the bit.
   */
  it('keys every hit alike walked in chunks of documents or list by list', () => {
    const answers = () => queries.flatMap((text) => settingsTried.map((settings) => index.search({ text, sort: 'RELEVANCE', first: 40, ...settings })));
    const chunked = answers();
    const moved = ['R3:d3', 'R2:d7', 'R1:d26'].map((id) => index.get(id)!);
    for (const each of moved) index.remove(each.id);
    index.compact();
    // Re-added under the freed numbers, below the lists' last: every list these datasets are in is no longer ascending.
    for (const each of moved) index.upsert(each);
    const listByList = answers();
    expect(listByList.map((outcome) => [summary(outcome.hits), outcome.total, outcome.facets])).toEqual(chunked.map((outcome) => [summary(outcome.hits), outcome.total, outcome.facets]));
  });
});
