import { describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { record } from '../../support/datasetRecord.ts';
import { SearchIndex } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import { facetFields, facetValuesOf } from '../../../subgraphs/catalogue/search/facetIndex.ts';

/**
 * The shortcuts a search takes to stay fast (docs/search.md, section 10)
 * must give what the long way gives: facets as a full count and sort would
 * list them, highlights wherever a matched term stands, region breadth
 * over any number of regions.
 */

describe('search shortcuts', () => {
  it('lists each facet field as a full count sorted by count, then value, would, ties included', () => {
    const index = new SearchIndex();
    const records: DatasetRecord[] = [];
    for (let i = 0; i < 400; i += 1) {
      // Keywords counted 1 to 6 times each, many tied; every tenth dataset lacks the searched word.
      const keywords = [`k${String(i % 37).padStart(2, '0')}`, `k${String((i * 7) % 53).padStart(2, '0')}`, `w${i % 5}`];
      const item = record({ title: [{ lang: 'en', value: i % 10 === 0 ? 'Harbour tides' : 'Harbour rainfall' }], keywords, themes: [`t${i % 3}`], region: `R${i % 4}`, identifier: `d${i}` });
      records.push(item);
      index.upsert(item);
    }
    const hits = records.filter((item) => item.title[0]!.value.includes('rainfall'));
    for (const limit of [1, 5, 20, 100]) {
      const outcome = index.search({ text: 'rainfall', sort: 'RELEVANCE', first: 10, facetLimit: limit });
      for (const field of facetFields) {
        const counts = new Map<string, number>();
        for (const hit of hits) for (const value of facetValuesOf(hit)[field]) counts.set(value, (counts.get(value) ?? 0) + 1);
        const expected = [...counts]
          .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
          .slice(0, limit)
          .map(([value, count]) => ({ value, count }));
        expect([field, limit, outcome.facets[field]]).toEqual([field, limit, expected]);
      }
    }
  });

  it('highlights an ASCII word wherever it stands: in full-width letters, beside Chinese, in an accented text', () => {
    const index = new SearchIndex();
    const item = record({
      title: [
        { lang: 'zh', value: '人口統計 ＣＳＶ 版' },
        { lang: 'en', value: 'Population statistics' },
      ],
      description: [
        { lang: 'pt', value: 'Estatísticas de população em CSV e PDF' },
        { lang: 'vi', value: 'Thống kê dân số' },
      ],
    });
    index.upsert(item);
    const [hit] = index.search({ text: 'csv', sort: 'RELEVANCE', first: 1 }).hits;
    expect(hit!.highlights).toEqual([
      { field: 'title', lang: 'zh', snippet: '人口統計 <mark>ＣＳＶ</mark> 版' },
      { field: 'description', lang: 'pt', snippet: 'Estatísticas de população em <mark>CSV</mark> e PDF' },
    ]);
    expect(hit!.matchedLanguages).toEqual(['zh', 'pt']);
  });

  it('highlights the glossary\'s equivalents in every script the page holds them in, and nothing in a text holding none', () => {
    const index = new SearchIndex();
    index.upsert(
      record({
        title: [
          { lang: 'en', value: 'Population census' },
          { lang: 'zh', value: '人口普查' },
          { lang: 'th', value: 'ข้อมูล ประชากร' },
        ],
        description: [{ lang: 'vi', value: 'Tổng điều tra dân số' }],
      }),
    );
    const langs = (text: string) => index.search({ text, sort: 'RELEVANCE', first: 1 }).hits[0]!.highlights.map((highlight) => `${highlight.lang} ${highlight.snippet}`);
    const all = ['en <mark>Population</mark> census', 'zh <mark>人口</mark>普查', 'th ข้อมูล <mark>ประชากร</mark>', 'vi Tổng điều tra <mark>dân</mark> <mark>số</mark>'];
    expect(langs('population')).toEqual(all);
    expect(langs('人口')).toEqual(all);
    expect(langs('ประชากร')).toEqual(all);
    expect(langs('census')).toEqual(['en Population <mark>census</mark>', 'zh <mark>人口普查</mark>']);
  });

  it('spreads results over more regions than its first scratch holds: two of each region before any region\'s third', () => {
    const index = new SearchIndex();
    const regions = Array.from({ length: 90 }, (_, r) => `R${String(r).padStart(2, '0')}`);
    for (const region of regions) for (let i = 0; i < 3; i += 1) index.upsert(record({ title: [{ lang: 'en', value: `Rainfall ${region} ${i}` }], region, identifier: `${region}-${i}` }));
    const outcome = index.search({ text: 'rainfall', sort: 'RELEVANCE', first: 270, crowdRegions: true });
    const regionOf = (id: string) => id.split(':')[0]!;
    const perRegion = (ids: string[]) => new Set(regions.map((region) => ids.filter((id) => regionOf(id) === region).length));
    const hitIds = outcome.hits.map((hit) => hit.id);
    expect(hitIds).toHaveLength(270);
    expect(perRegion(hitIds.slice(0, 180))).toEqual(new Set([2]));
    expect(perRegion(hitIds.slice(180))).toEqual(new Set([1]));
  });
});
