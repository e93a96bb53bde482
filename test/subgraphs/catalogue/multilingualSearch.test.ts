import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { anonymousConsumer } from '../../../schema/consumer.ts';
import type { DatasetRecord } from '../../../schema/datasetRecord.ts';
import { createCatalogue } from '../../../subgraphs/catalogue/createCatalogue.ts';
import { SearchIndex, type SearchRequest } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import { tiersOf } from '../../../subgraphs/catalogue/search/rankingRules.ts';
import { loadDatasetFolder } from '../../../subgraphs/region/store/loadDatasetFolder.ts';
import { compileRegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';

const demoRegions = ['CN-GX', 'MO', 'VN', 'MY', 'SG'];
let records: DatasetRecord[] = [];
const index = new SearchIndex();
beforeAll(async () => {
  for (const region of demoRegions) records.push(...(await loadDatasetFolder(new URL(`../../../subgraphs/demo/${region}`, import.meta.url).pathname, region)).records);
  for (const record of records) index.upsert(record);
}, 60_000);

const search = (text: string, extra: Partial<SearchRequest> = {}) => index.search({ text, sort: 'RELEVANCE', first: 10, crowdRegions: true, groupFormats: true, ...extra });
const ids = (text: string, extra: Partial<SearchRequest> = {}) => search(text, extra).hits.map((hit) => hit.id);
const regionsOf = (hitIds: string[]) => new Set(hitIds.map((id) => id.split(':')[0]));
const titleOf = (id: string) => records.find((record) => record.id === id)!.title.map((text) => text.value).join(' / ');

describe('search over the demo catalogue, in its languages', () => {
  it('finds the same datasets for a word in simplified and in traditional Chinese, in every region', () => {
    const simplified = search('贸易', { first: 100 });
    const traditional = search('貿易', { first: 100 });
    expect(traditional.hits.map((hit) => hit.id)).toEqual(simplified.hits.map((hit) => hit.id));
    expect(regionsOf(simplified.hits.map((hit) => hit.id))).toEqual(new Set(demoRegions));
    // Guangxi's and Macao's own Chinese titles match as typed; the others through the glossary's "trade", "perdagangan"…
    const own = simplified.hits.filter((hit) => !hit.crossLingual).map((hit) => hit.id.split(':')[0]);
    expect(new Set(own)).toEqual(new Set(['CN-GX', 'MO']));
    const translated = simplified.hits.find((hit) => hit.id === 'MY:trade_headline')!;
    expect([translated.crossLingual, translated.matchedLanguages.includes('en')]).toEqual([true, true]);
  });

  it('treats a query the same whatever its spaces, case or width', () => {
    const plain = search('trade', { first: 100 });
    for (const variant of ['trade ', '  TRADE', 'ｔｒａｄｅ']) {
      const other = search(variant, { first: 100 });
      expect([other.total, other.hits.map((hit) => hit.id)]).toEqual([plain.total, plain.hits.map((hit) => hit.id)]);
    }
  });

  it('reads a whole word as that word, never as the prefix of a longer one', () => {
    const port = search('port', { first: 100 }).hits.map((hit) => titleOf(hit.id));
    expect(port.filter((title) => /portable|portfolio|portuguese/i.test(title))).toEqual([]);
    expect(search('health', { first: 100 }).hits.map((hit) => titleOf(hit.id)).filter((title) => /healthier/i.test(title))).toEqual([]);
    expect(search('tax', { first: 100 }).hits.map((hit) => titleOf(hit.id)).filter((title) => /\btaxi/i.test(title))).toEqual([]);
    // An unfinished last word still completes.
    expect(search('popula').total).toBeGreaterThan(100);
  });

  it('ranks the Vietnamese census first for "dân số", and never meets the Malay "dan" (and)', () => {
    const hits = search('dân số', { first: 100 });
    expect(hits.hits[0]!.id).toBe('VN:gso-population-housing-census-2019');
    expect(hits.hits[0]!.matchedLanguages[0]).toBe('vi');
    expect(hits.hits.map((hit) => hit.id)).not.toContain('MY:almanak_astronomi');
    expect(ids('dan', { first: 100 }).filter((id) => id.startsWith('MY:'))).toEqual([]);
  });

  it('tolerates typos by word length: none up to four letters, one from five, two from nine', () => {
    expect(search('trde').total).toBe(0);
    expect(search('populaton').hits[0]!.record.title.some((text) => /population/i.test(text.value))).toBe(true);
    expect(search('popylatiom').hits[0]!.record.title.some((text) => /population/i.test(text.value))).toBe(true);
    expect(search('tradq').hits.map((hit) => tiersOf(hit.score).typos)).toContain(1);
    expect(search('tourism').hits.every((hit) => tiersOf(hit.score).typos === 0)).toBe(true);
  });

  it('puts the best of several regions on the first page, and ten from one region with crowding off', () => {
    const crowded = ids('population');
    expect(regionsOf(crowded).size).toBeGreaterThanOrEqual(4);
    expect(crowded.slice(0, 5)).toContain('MO:dsec-population-estimates');
    expect(crowded).toContain('CN-GX:gxtj-population-annual');
    const plain = ids('population', { crowdRegions: false, groupFormats: false });
    expect(regionsOf(plain).size).toBeLessThan(regionsOf(crowded).size);
  });

  it('shows datasets differing only by a format suffix as one result with its formats, or apart when asked', () => {
    const grouped = search('Aedes Population', { first: 20 });
    const group = grouped.hits.find((hit) => hit.variants.length > 0)!;
    expect(group.variants.map((variant) => variant.format).sort()).toEqual(['GEOJSON', 'KML']);
    const base = (title: string) => title.replace(/\s*\([A-Z]+\)$/, '');
    const bases = grouped.hits.map((hit) => base(hit.record.title[0]!.value));
    expect(new Set(bases).size).toBe(bases.length);
    expect([grouped.total, grouped.datasetCount - grouped.total]).toEqual([grouped.datasetCount - 1, 1]);
    const apart = search('Aedes Population', { first: 20, groupFormats: false });
    expect(apart.hits.filter((hit) => variantsOf(group).includes(hit.id))).toHaveLength(2);
    expect(apart.hits.every((hit) => hit.variants.length === 0)).toBe(true);
  });

  it('orders every page by the ranking rules: words, typos, proximity, title words, words as typed, relevance', () => {
    for (const text of ['population census', 'container throughput', 'air quality monitoring', 'dân số', '人口普查']) {
      const tiers = search(text, { first: 50, crowdRegions: false }).hits.map((hit) => tiersOf(hit.score));
      const keyOf = (t: ReturnType<typeof tiersOf>) => [t.wordsMatched, -t.typos, t.proximity, t.titleWords, t.exactWords, t.exactTitle ? 1 : 0, t.relevance];
      for (let i = 1; i < tiers.length; i += 1) {
        const [a, b] = [keyOf(tiers[i - 1]!), keyOf(tiers[i]!)];
        const first = a.findIndex((value, at) => value !== b[at]);
        expect(first < 0 || a[first]! > b[first]!, `${text}: hit ${i}`).toBe(true);
      }
    }
    // Words adjacent and in order in the title rank before the same words apart.
    const [best] = search('population census', { crowdRegions: false }).hits;
    expect(tiersOf(best!.score).proximity).toBe(7);
  });

  it('says in which language a dataset matched, as typed before translated', () => {
    const [estimates] = search('população').hits.filter((hit) => hit.id === 'MO:dsec-population-estimates');
    expect(estimates!.matchedLanguages[0]).toBe('pt');
    expect(estimates!.crossLingual).toBe(false);
    const viaGlossary = search('população', { first: 100 }).hits.find((hit) => hit.id.startsWith('SG:'))!;
    expect([viaGlossary.crossLingual, viaGlossary.matchedLanguages]).toEqual([true, ['en']]);
    expect(search('população', { first: 100, crossLingual: false }).hits.some((hit) => hit.id.startsWith('SG:'))).toBe(false);
  });
});

function variantsOf(hit: { variants: { record: DatasetRecord }[] }): string[] {
  return hit.variants.map((variant) => variant.record.id);
}

describe('Query.search breadth and grouping arguments', () => {
  it('crowds regions and groups formats by default, and neither when both arguments are false', async () => {
    await using catalogue = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
    for (const region of demoRegions) catalogue.discovery.setPolicies(compileRegionPolicies(region, { 'discover.cedar': '@id("all") @reason("r") permit (principal, action == Wharf::Action::"discover", resource);' }));
    for (const record of records) catalogue.index.upsert(record);
    const document = parse(`query ($crowd: Boolean, $group: Boolean) {
      search(query: "population", first: 10, crowdRegions: $crowd, groupFormats: $group) {
        totalCount datasetCount matchedAllWords edges { node { id } matchedLanguages crossLingual variants { format node { id } } }
      }
    }`);
    type Answer = { search: { totalCount: number; datasetCount: number; edges: { node: { id: string }; variants: { format: string }[] }[] } };
    const byDefault = (await catalogue.execute({ document, variables: {} }, anonymousConsumer)).data as Answer;
    const off = (await catalogue.execute({ document, variables: { crowd: false, group: false } }, anonymousConsumer)).data as Answer;
    expect(byDefault.search.edges.map((edge) => edge.node.id)).toEqual(ids('population'));
    expect(off.search.edges.map((edge) => edge.node.id)).toEqual(ids('population', { crowdRegions: false, groupFormats: false }));
    expect(off.search.totalCount).toBe(off.search.datasetCount);
    expect(byDefault.search.totalCount).toBeLessThan(byDefault.search.datasetCount);
  }, 60_000);
});
