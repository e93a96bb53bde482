import { describe, expect, it } from 'vitest';
import { generateDatasets } from '../../../bench/generateDatasets.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { record } from '../../support/datasetRecord.ts';
import { SearchIndex, type SearchFilter, type SearchHit } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import { facetFields, facetValuesOf } from '../../../subgraphs/catalogue/search/facetIndex.ts';
import type { SearchSort, Sortable } from '../../../subgraphs/catalogue/search/searchPaging.ts';

const en = (value: string) => [{ lang: 'en', value }];

function indexOf(records: DatasetRecord[]): SearchIndex {
  const index = new SearchIndex();
  for (const item of records) index.upsert(item);
  return index;
}
const ids = (hits: SearchHit[]) => hits.map((hit) => hit.id);
const search = (index: SearchIndex, text: string, extra: { filter?: SearchFilter; sort?: SearchSort; first?: number; explain?: boolean } = {}) =>
  index.search({ text, sort: extra.sort ?? 'RELEVANCE', first: extra.first ?? 100, explain: extra.explain ?? false, ...(extra.filter ? { filter: extra.filter } : {}) });

describe('SearchIndex relevance', () => {
  const index = indexOf([
    record({ identifier: 'exact', title: en('Container Throughput') }),
    record({ identifier: 'longer', title: en('Container Throughput at Major Ports by Terminal, Monthly'), keywords: ['container throughput', 'ports'] }),
    record({ identifier: 'desc', title: en('Port Statistics'), description: en('Container throughput, cargo and vessel calls, container throughput again.') }),
    record({ identifier: 'one-word', title: en('Container Registry') }),
    record({ identifier: 'unrelated', title: en('Hospital Admissions') }),
  ]);

  it('ranks the dataset whose title is exactly the query first', () => {
    expect(ids(search(index, 'container throughput').hits)[0]).toBe('SG:exact');
    expect(ids(search(index, 'CONTAINER  throughput!').hits)[0]).toBe('SG:exact');
  });

  it('ranks an exact title first on a first page of a large catalogue, where its text alone scores below the page', () => {
    // Richer matches fill the first documents (the sample a first page's floor comes from); the exact title comes last.
    const many = Array.from({ length: 400 }, (_, i) =>
      record({ title: en(`Water quality of river ${i}`), keywords: ['water', 'river water'], description: en('Water samples: water, water and water.') }),
    );
    const large = indexOf([...many, record({ identifier: 'water', title: en('Water'), description: en('Sampled at many stations across the region.') })]);
    const first = large.search({ text: 'water', sort: 'RELEVANCE', first: 5 });
    expect(first.hits[0]!.id).toBe('SG:water');
    expect(first.total).toBe(401);
    expect(first.hasMore).toBe(true);
  });

  it('returns only datasets matching every word when some do, and those matching the most words when none does', () => {
    const outcome = search(index, 'container throughput ports');
    expect(ids(outcome.hits)).toEqual(['SG:longer', 'SG:desc']);
    expect([outcome.total, outcome.allWords]).toEqual([2, true]);
    const partial = search(index, 'container registry admissions');
    // Two words first; then one word each, the rarest word (admissions) before the commonest (container).
    expect(ids(partial.hits)).toEqual(['SG:one-word', 'SG:unrelated', 'SG:exact', 'SG:longer', 'SG:desc']);
    expect([partial.total, partial.allWords]).toEqual([5, false]);
  });

  it('weighs a title match above a description match (field boosts)', () => {
    const outcome = search(index, 'registry statistics');
    expect(outcome.hits.every((hit) => hit.score > 0)).toBe(true);
    const boosted = indexOf([
      record({ identifier: 'in-title', title: en('Vessel Registry') }),
      record({ identifier: 'in-description', title: en('Ships'), description: en('From the vessel registry.') }),
    ]);
    expect(ids(search(boosted, 'registry').hits)).toEqual(['SG:in-title', 'SG:in-description']);
  });

  it('explains a hit\'s score and highlights its matches, HTML-escaped', () => {
    const html = indexOf([record({ identifier: 'x', title: en('Trade <b>& Tariffs</b>') })]);
    expect(search(html, 'tariffs').hits[0]!.explanation).toBeUndefined();
    const [hit] = search(html, 'tariffs', { explain: true }).hits;
    expect(hit!.highlights).toEqual([{ field: 'title', lang: 'en', snippet: 'Trade &lt;b&gt;&amp; <mark>Tariffs</mark>&lt;/b&gt;' }]);
    expect(hit!.explanation).toEqual({
      textScore: expect.any(Number),
      coordination: 1,
      exactTitle: 1,
      quality: expect.any(Number),
      matches: [{ term: 'tariffs', fields: ['title'] }],
      ranking: { wordsMatched: 1, typos: 0, breadthBucket: 0, proximity: 0, titleWords: 1, exactWords: 1, exactTitle: false, relevance: expect.any(Number) },
    });
  });
});

describe('SearchIndex language handling', () => {
  const index = indexOf([
    record({ identifier: 'hanoi', region: 'VN', title: [{ lang: 'vi', value: 'Chất lượng không khí Hà Nội' }, { lang: 'en', value: 'Hanoi air quality' }] }),
    record({ identifier: 'danang', region: 'VN', title: [{ lang: 'vi', value: 'Du lịch Đà Nẵng' }] }),
    record({ identifier: 'customs', region: 'CN-GX', title: [{ lang: 'zh', value: '南宁海关进出口统计' }] }),
    record({ identifier: 'macau', region: 'MO', title: [{ lang: 'zh', value: '澳門對外商品貿易' }, { lang: 'pt', value: 'Comércio Externo de Mercadorias' }] }),
    record({ identifier: 'births', region: 'MY', title: [{ lang: 'ms', value: 'Kelahiran Hidup Harian' }, { lang: 'en', value: 'Daily Live Births' }] }),
    record({ identifier: 'throughput', title: en('Container throughput, monthly') }),
    record({ identifier: 'thai-population', region: 'VN', title: [{ lang: 'th', value: 'สถิติประชากรของประเทศไทย' }] }),
  ]);
  const first = (text: string) => ids(search(index, text).hits)[0];

  it('finds a Chinese title by two characters the segmenter does not join, as written before any translation of each', () => {
    const years = indexOf([
      record({ identifier: 'rainfall', region: 'CN-GX', title: [{ lang: 'zh', value: '钦州2021年月度降雨量' }] }),
      record({ identifier: 'monthly', region: 'VN', title: [{ lang: 'vi', value: 'Lượng mưa hằng tháng năm 2021' }] }),
    ]);
    const hits = search(years, '年月').hits;
    expect(hits.map((hit) => [hit.id, hit.crossLingual])).toEqual([['CN-GX:rainfall', false]]);
  });

  it.each([
    ['folds diacritics in the query', 'hà nội', 'VN:hanoi'],
    ['finds diacritics from a plain query', 'ha noi', 'VN:hanoi'],
    ['treats đ as d', 'da nang', 'VN:danang'],
    ['and the reverse', 'Đà Nẵng', 'VN:danang'],
    ['finds a Chinese title by a two-character query', '海关', 'CN-GX:customs'],
    ['finds a Traditional Chinese title', '貿易', 'MO:macau'],
    ['folds Portuguese accents', 'comercio externo', 'MO:macau'],
    ['finds Malay text', 'kelahiran', 'MY:births'],
    ['tolerates a typo', 'contaner', 'SG:throughput'],
    ['tolerates a typo in Malay', 'kelahiren', 'MY:births'],
    ['completes the last word as a prefix', 'container throu', 'SG:throughput'],
    ['finds a Thai word as typed', 'ประชากร', 'VN:thai-population'],
    ['finds a Thai phrase cut into its words', 'สถิติประชากร', 'VN:thai-population'],
  ])('%s (%s)', (_, text, expected) => {
    expect(first(text)).toBe(expected);
  });

  it('highlights the original text, diacritics and all, for a folded query', () => {
    const [hit] = search(index, 'ha noi').hits;
    expect(hit!.highlights[0]).toEqual({ field: 'title', lang: 'vi', snippet: 'Chất lượng không khí <mark>Hà</mark> <mark>Nội</mark>' });
    const [cjk] = search(index, '海关').hits;
    expect(cjk!.highlights[0]!.snippet).toBe('南宁<mark>海关</mark>进出口统计');
  });

  it('matches a word by its stem only in texts of the stem\'s language', () => {
    const mixed = indexOf([
      record({ identifier: 'english', title: en('Trading volumes') }),
      record({ identifier: 'chinese', title: [{ lang: 'zh', value: 'trading 统计' }] }),
    ]);
    // `trades` reaches `trading` as its English stem in the English title, not in the Chinese one.
    const english = search(mixed, 'trades volumes', { explain: true }).hits.find((hit) => hit.id === 'SG:english')!;
    expect(english.explanation!.matches.map((match) => match.term)).toContain('trading');
    expect(english.highlights[0]!.snippet).toBe('<mark>Trading</mark> <mark>volumes</mark>');
    const chinese = search(mixed, 'trades 统计', { explain: true }).hits.find((hit) => hit.id === 'SG:chinese')!;
    expect(chinese.explanation!.matches.map((match) => match.term)).not.toContain('trading');
    expect(chinese.highlights[0]!.snippet).toBe('trading <mark>统计</mark>');
  });

  /**
   * A scope's document frequencies and the lists derived from the index's
   * (a stem's entries in its language, a Chinese word's bigrams as a phrase)
   * are kept from one search to the next: only until the index changes.
   */
  it('answers after a change as an index built with the change does, though the same words were searched before it', () => {
    const kept = [
      record({ identifier: 'english', title: en('Trading volumes') }),
      record({ identifier: 'customs', region: 'CN-GX', title: [{ lang: 'zh', value: '南宁海关进出口统计' }] }),
    ];
    const gone = record({ identifier: 'desks', title: en('Trading desks volumes') });
    const added = record({ identifier: 'ports', region: 'CN-GX', title: [{ lang: 'zh', value: '钦州港进出口货物' }] });
    const changing = indexOf([...kept, gone]);
    const scope = changing.documentsWhere(() => true);
    const answer = (index: SearchIndex, within: typeof scope, text: string) =>
      index.search({ text, within, sort: 'RELEVANCE', first: 10, explain: true }).hits.map((hit) => [hit.id, hit.explanation!.textScore]);
    const queries = ['trades volumes', '进出口'];
    const agrees = (index: SearchIndex, within: typeof scope, oracle: SearchIndex) => {
      for (const text of queries) {
        const [got, expected] = [answer(index, within, text), answer(oracle, oracle.documentsWhere(() => true), text)];
        expect(got.map(([id]) => id)).toEqual(expected.map(([id]) => id));
        got.forEach(([, score], i) => expect(score).toBeCloseTo(expected[i]![1] as number, 12));
      }
    };
    for (const text of queries) answer(changing, scope, text);
    // Removed: the scope's bitset still holds it, the index's live documents leave it out.
    changing.remove(gone.id);
    agrees(changing, scope, indexOf(kept));
    changing.upsert(added);
    agrees(changing, changing.documentsWhere(() => true), indexOf([...kept, added]));
    expect(answer(changing, changing.documentsWhere(() => true), '进出口').map(([id]) => id)).toContain('CN-GX:ports');
  });

  it('suggests titles for what has been typed so far', () => {
    expect(index.suggest('kelah', 5).map((item) => item.id)).toEqual(['MY:births']);
    expect(index.suggest('container thr', 5).map((item) => item.id)).toEqual(['SG:throughput']);
    expect(index.suggest('  ', 5)).toEqual([]);
  });
});

/** Facet counts over `records` by brute force: no index involved. */
function bruteFacets(records: DatasetRecord[]) {
  const counts = Object.fromEntries(facetFields.map((field) => [field, new Map<string, number>()]));
  for (const item of records) {
    const values = facetValuesOf(item);
    for (const field of facetFields) for (const value of values[field]) counts[field]!.set(value, (counts[field]!.get(value) ?? 0) + 1);
  }
  return counts;
}

describe('SearchIndex filters and facets', () => {
  const records = generateDatasets(3000, 7);
  const index = indexOf(records);

  it('counts facets exactly as a brute-force filter over the same data', () => {
    const filter: SearchFilter = {
      fields: { region: ['VN', 'MY', 'SG'] },
      anyOf: [[{ field: 'theme', value: 'ECON' }, { field: 'format', value: 'CSV' }]],
      modifiedFrom: Date.parse('2018-01-01'),
      modifiedTo: Date.parse('2024-12-31T23:59:59.999Z'),
    };
    const expected = records.filter((item) => {
      const values = facetValuesOf(item);
      const modified = Date.parse(item.modified!);
      return (
        ['VN', 'MY', 'SG'].includes(item.region) &&
        (values.theme.includes('ECON') || values.format.includes('CSV')) &&
        modified >= filter.modifiedFrom! &&
        modified <= filter.modifiedTo!
      );
    });
    const outcome = index.search({ text: '', filter, sort: 'MODIFIED', first: 10, facetLimit: 1000 });
    expect(outcome.total).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(200);
    const brute = bruteFacets(expected);
    for (const field of facetFields) {
      for (const { value, count } of outcome.facets[field]) expect([field, value, count]).toEqual([field, value, brute[field]!.get(value)]);
      if (field !== 'keyword') expect(outcome.facets[field]).toHaveLength(brute[field]!.size);
    }
  });

  it('counts facets over every hit of a text query, not just the page', () => {
    const text = records[0]!.title.at(-1)!.value.split(/\s+/)[0]!;
    const all: SearchHit[] = [];
    let after: Sortable | undefined;
    for (;;) {
      const page = index.search({ text, sort: 'RELEVANCE', first: 100, facetLimit: 1000, ...(after ? { after } : {}) });
      all.push(...page.hits);
      if (!page.hasMore) break;
      after = page.hits.at(-1);
    }
    const outcome = index.search({ text, sort: 'RELEVANCE', first: 1, facetLimit: 1000 });
    expect(all).toHaveLength(outcome.total);
    const brute = bruteFacets(all.map((hit) => hit.record));
    for (const field of ['region', 'theme', 'format', 'publisher'] as const) {
      expect(new Map(outcome.facets[field].map(({ value, count }) => [value, count]))).toEqual(brute[field]);
    }
  });

  it('sorts by modified and by title', () => {
    const byModified = search(index, '', { sort: 'MODIFIED', first: 50 }).hits.map((hit) => hit.record.modified!);
    expect(byModified).toEqual([...byModified].sort().reverse());
    const titles = search(index, 'statistics', { sort: 'TITLE', first: 50 }).hits.map((hit) => hit.key as string);
    expect(titles).toEqual([...titles].sort());
  });

  it('forgets a removed dataset everywhere: hits, facets, exact titles', () => {
    const local = indexOf([record({ identifier: 'gone', region: 'MO', title: en('Ferry Passengers'), themes: ['TRAN'] })]);
    local.remove('MO:gone');
    const outcome = local.search({ text: 'ferry passengers', sort: 'RELEVANCE', first: 10 });
    expect(outcome).toMatchObject({ total: 0, hits: [] });
    expect(local.search({ text: '', sort: 'RELEVANCE', first: 10 }).facets.theme).toEqual([]);
  });
});

describe('SearchIndex paging', () => {
  it('pages through 15,000 results with cursors, returning every id exactly once', () => {
    const records = generateDatasets(15_000, 3);
    const index = indexOf(records);
    for (const sort of ['MODIFIED', 'TITLE'] as const) {
      const seen: string[] = [];
      let after: Sortable | undefined;
      let pages = 0;
      for (;;) {
        const page = index.search({ text: '', sort, first: 100, ...(after ? { after } : {}) });
        seen.push(...ids(page.hits));
        pages += 1;
        if (!page.hasMore) break;
        after = page.hits.at(-1);
      }
      expect(pages).toBe(150);
      expect(seen).toHaveLength(15_000);
      expect(new Set(seen).size).toBe(15_000);
    }
  }, 120_000);
});
