import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../bench/measure.ts';
import { SearchIndex } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import type { SearchRequest } from '../../../subgraphs/catalogue/search/searchTypes.ts';
import { record } from '../../support/datasetRecord.ts';

/**
 * A first page by relevance scores only the hits its rules leave within
 * reach (`PageReach`); a page after a cursor scores every hit. Both must
 * rank alike: the first page of 2n is the first page of n and the page
 * after it.
 */
describe('keying only the hits that can reach a first page', () => {
  it('ranks a first page as a page after a cursor, which keys every hit, does', () => {
    const random = mulberry32(9);
    // Few words, so that queries of several words have more hits than a first page keys them all from (16,384).
    const words = ['harbour', 'rainfall', 'tides', 'census'];
    const index = new SearchIndex();
    for (let i = 0; i < 34_000; i += 1) {
      const title = Array.from({ length: 3 + Math.floor(random() * 4) }, () => words[Math.floor(random() * words.length)]!).join(' ');
      const formatted = i % 11 === 0 ? `${title} (KML)` : title;
      index.upsert(record({ title: [{ lang: 'en', value: formatted }], description: [{ lang: 'en', value: `${words[i % 4]} ${words[(i * 3) % 4]} records` }], region: `R${i % 5}`, identifier: `d${i}` }));
      if (i % 11 === 0) index.upsert(record({ title: [{ lang: 'en', value: `${title} (SHP)` }], region: `R${i % 5}`, identifier: `d${i}-shp` }));
    }
    for (const text of ['harbour rainfall', 'rainfall census', 'census tides', 'rainfall']) {
      for (const settings of [{ crowdRegions: true, groupFormats: true }, { crowdRegions: false, groupFormats: true }, { crowdRegions: true, groupFormats: false }, {}]) {
        for (const size of [3, 10, 25]) {
          const request: SearchRequest = { text, sort: 'RELEVANCE', first: size, ...settings };
          const whole = index.search({ ...request, first: size * 2 });
          if (text.includes(' ')) expect(whole.datasetCount).toBeGreaterThan(16_384);
          const first = index.search(request);
          const last = first.hits.at(-1)!;
          const second = index.search({ ...request, after: { id: last.id, key: last.key } });
          const summary = (hits: typeof whole.hits) => hits.map((hit) => [hit.id, hit.key, hit.score, hit.variants.map((variant) => variant.record.id)]);
          expect(summary([...first.hits, ...second.hits])).toEqual(summary(whole.hits));
          expect([first.total, first.datasetCount, first.facets]).toEqual([whole.total, whole.datasetCount, whole.facets]);
          expect([second.total, second.datasetCount]).toEqual([whole.total, whole.datasetCount]);
        }
      }
    }
  });
});
