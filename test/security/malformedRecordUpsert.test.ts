import { createHash } from 'node:crypto';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { generateDatasets } from '../../bench/generateDatasets.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { createCatalogue } from '../../subgraphs/catalogue/createCatalogue.ts';
import { createCatalogueIndex, type CatalogueIndex } from '../../subgraphs/catalogue/createCatalogueIndex.ts';
import { SearchIndex, UnindexableRecordError } from '../../subgraphs/catalogue/search/createSearchIndex.ts';
import { compileRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';

/**
 * Everything reachable from `value`, as plain data: typed arrays and buffers
 * by a hash of their bytes, Maps and Sets in their order, an object seen
 * before by its first path. Two equal states are the same down to the byte.
 */
function stateOf(value: unknown): unknown {
  const seen = new Map<object, string>();
  const walk = (item: unknown, path: string): unknown => {
    if (typeof item === 'bigint') return `${item}n`;
    if (typeof item === 'function') return `function ${item.name}`;
    if (typeof item !== 'object' || item === null) return item;
    const first = seen.get(item);
    if (first !== undefined) return { sameAs: first };
    seen.set(item, path);
    if (ArrayBuffer.isView(item)) {
      const bytes = new Uint8Array(item.buffer, item.byteOffset, item.byteLength);
      return { [item.constructor.name]: item.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
    }
    if (item instanceof Map) return { Map: [...item].map(([key, entry], i) => [walk(key, `${path}<key ${i}>`), walk(entry, `${path}<${i}>`)]) };
    if (item instanceof Set) return { Set: [...item].map((entry, i) => walk(entry, `${path}{${i}}`)) };
    if (Array.isArray(item)) return item.map((entry, i) => walk(entry, `${path}[${i}]`));
    return Object.fromEntries([['class', item.constructor?.name], ...Object.entries(item).map(([key, entry]) => [key, walk(entry, `${path}.${key}`)])]);
  };
  return walk(value, '$');
}

/** What a catalogue index answers about everything it holds, and its lineage graph's whole state. */
function observe(index: CatalogueIndex, ids: readonly string[], queries: readonly string[]) {
  return {
    size: index.size(),
    version: index.version,
    contentVersion: index.contentVersion,
    records: ids.map((id) => [id, index.get(id) ?? null, index.revisionOf(id) ?? null, index.documentOf(id) ?? null]),
    regions: [...new Set(ids.map((id) => id.split(':')[0]!))].map((region) => [region, [...index.regionIds(region)].sort(), index.regionQualityMasks(region)]),
    downstream: ids.map((id) => index.downstreamIds(id)),
    withLineage: index.idsWithLineage(),
    everyone: [...index.documentsWhere(() => true)],
    searches: queries.map((text) => index.search({ text, sort: 'RELEVANCE', first: 50, explain: true })),
    suggestions: queries.map((text) => index.suggest(text, 10).map((record) => record.id)),
    graph: stateOf(index.lineageGraph),
  };
}

/** Each way a harvested record can be malformed in a field the index reads, from a good one. */
const malformations: [string, (record: DatasetRecord) => unknown][] = [
  ['not an object', () => 'SG:x'],
  ['null', () => null],
  ['an id that is a number', (record) => ({ ...record, id: 5 })],
  ['an empty id', (record) => ({ ...record, id: '' })],
  ['no region', (record) => ({ ...record, region: undefined })],
  ['a revision that is a number', (record) => ({ ...record, revision: 7 })],
  ['an identifier that is null', (record) => ({ ...record, identifier: null })],
  ['a language that is a number', (record) => ({ ...record, language: 1 })],
  ['a title that is a string', (record) => ({ ...record, title: 'Port calls' })],
  ['no title text', (record) => ({ ...record, title: [] })],
  ['a title text whose value is a number', (record) => ({ ...record, title: [...record.title, { lang: 'en', value: 5 }] })],
  ['a title text that is null', (record) => ({ ...record, title: [record.title[0], null] })],
  ['a description that is an object', (record) => ({ ...record, description: { en: 'x' } })],
  ['a description text without a value', (record) => ({ ...record, description: [{ lang: 'en' }] })],
  ['keywords that are a string', (record) => ({ ...record, keywords: 'port' })],
  ['a keyword that is a number', (record) => ({ ...record, keywords: ['port', 1] })],
  ['a theme that is null', (record) => ({ ...record, themes: [null] })],
  ['no spatial', (record) => ({ ...record, spatial: undefined })],
  ['a publisher name that is a number', (record) => ({ ...record, publisher: { name: 5 } })],
  ['a publisher that is a string', (record) => ({ ...record, publisher: 'MPA' })],
  ['a contact email that is a number', (record) => ({ ...record, contactPoint: { email: 1 } })],
  ['a license that is a number', (record) => ({ ...record, license: 5 })],
  ['a modified date that is a number', (record) => ({ ...record, modified: 20240101 })],
  ['an issued date that is an object', (record) => ({ ...record, issued: {} })],
  ['rights that are an array', (record) => ({ ...record, rights: [] })],
  ['a temporal start that is a number', (record) => ({ ...record, temporal: { start: 1 } })],
  ['distributions that are an object', (record) => ({ ...record, distributions: {} })],
  ['a distribution format that is a number', (record) => ({ ...record, distributions: [{ accessUrl: 'https://x.example', format: 5 }] })],
  ['a distribution without an access URL', (record) => ({ ...record, distributions: [{ format: 'CSV' }] })],
  ['a byte size that is a string', (record) => ({ ...record, distributions: [{ accessUrl: 'https://x.example', byteSize: '10' }] })],
  ['lineage that is null', (record) => ({ ...record, lineage: null })],
  ['a lineage edge whose upstream is a number', (record) => ({ ...record, lineage: [{ upstream: 5 }] })],
  ['a lineage edge without an upstream', (record) => ({ ...record, lineage: [{ upstream: 'SG:a' }, {}] })],
  ['a lineage edge whose run time is a number', (record) => ({ ...record, lineage: [{ upstream: 'SG:a', runTime: 5 }] })],
  ['lineage columns that are a string', (record) => ({ ...record, lineage: [{ upstream: 'SG:a', columns: 'c' }] })],
  ['lineage input fields that are not listed', (record) => ({ ...record, lineage: [{ upstream: 'SG:a', columns: [{ field: 'a', inputFields: {} }] }] })],
  ['no access', (record) => ({ ...record, access: undefined })],
  ['an access tier no policy knows', (record) => ({ ...record, access: { ...record.access, tier: 'secret' } })],
  ['a residency that is a number', (record) => ({ ...record, access: { ...record.access, residency: 1 } })],
  ['reader roles that are a string', (record) => ({ ...record, access: { ...record.access, readerRoles: 'researcher' } })],
  ['identifiers whose name is a number', (record) => ({ ...record, identifiers: [{ namespace: 'pg', name: 1 }] })],
  ['a field JSON cannot hold', (record) => ({ ...record, extra: { size: 10n } })],
  ['a cycle', (record) => {
    const cyclic: Record<string, unknown> = { ...record };
    cyclic.self = cyclic;
    return cyclic;
  }],
];

const records = generateDatasets(60, 3);
const queries = ['port', 'statistics monthly', 'trade', 'contaner', 'popul'];
/** A record in the generated catalogue with lineage, to be replaced by malformed copies. */
const held = records.find((record) => record.lineage.length > 0)!;
/** The same dataset changed: a new revision, so the catalogue index does not skip it as unchanged. */
const changed = { ...held, revision: 'changed' };
const fresh = { ...records[0]!, id: `${records[0]!.region}:fresh-one`, identifier: 'fresh-one', revision: 'fresh', title: [{ lang: 'en', value: 'Unheard zyxwv' }] };

describe('SearchIndex.upsert of a malformed record', () => {
  const index = new SearchIndex();
  for (const record of records) index.upsert(record);
  // Searched once first, so the scratch buffers a search grows are as large before as after.
  for (const text of queries) index.search({ text, sort: 'RELEVANCE', first: 20 });

  it.each(malformations)('throws UnindexableRecordError and changes no byte of the index for %s, new or replacing', (_, malform) => {
    const before = stateOf(index);
    for (const base of [fresh, changed]) {
      expect(() => index.upsert(malform(base) as DatasetRecord)).toThrow(UnindexableRecordError);
      expect(stateOf(index)).toEqual(before);
    }
  });
});

describe('CatalogueIndex.upsert of a malformed record', () => {
  const index = createCatalogueIndex();
  for (const record of records) index.upsert(record);
  const ids = [...records.map((record) => record.id), fresh.id, ...records.flatMap((record) => record.lineage.map((edge) => edge.upstream))];

  it.each(malformations)('throws and leaves every answer and the lineage graph as they were for %s, new or replacing', (_, malform) => {
    const before = observe(index, ids, queries);
    for (const base of [fresh, changed]) {
      expect(() => index.upsert(malform(base) as DatasetRecord)).toThrow(UnindexableRecordError);
      expect(observe(index, ids, queries)).toEqual(before);
    }
  });

  it('names the dataset and the field in the error', () => {
    expect(() => index.upsert({ ...changed, title: [...held.title, { lang: 'en', value: 5 }] } as unknown as DatasetRecord)).toThrow(
      `Dataset "${held.id}" cannot be indexed: title[${held.title.length}].value must be a string; got number.`,
    );
  });
});

describe('a catalogue after refusing a malformed record', () => {
  it('removes the region cleanly, answers lineage without errors, and takes the dataset once it is well formed', async () => {
    await using catalogue = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
    for (const record of records) catalogue.index.upsert(record);
    for (const region of new Set(records.map((record) => record.region))) {
      catalogue.discovery.setPolicies(compileRegionPolicies(region, { 'discover.cedar': '@id("all") @reason("r") permit (principal, action == Wharf::Action::"discover", resource);' }));
    }
    const malformed = { ...held, title: [held.title[0], { lang: 'en', value: 5 }], revision: 'bad' } as unknown as DatasetRecord;
    expect(() => catalogue.index.upsert(malformed)).toThrow(UnindexableRecordError);
    const lineage = parse(`query ($id: ID!) { dataset(id: $id) { id title upstream { id } downstream { id } } lineage(id: $id) { nodes { id } } }`);
    const before = await catalogue.execute({ document: lineage, variables: { id: held.id } });
    expect(before.errors).toBeUndefined();
    expect((before.data as { dataset: { title: string } }).dataset.title).toBe(held.title[0]!.value);

    // A reconcile that no longer lists the region's datasets removes each of them.
    for (const id of [...catalogue.index.regionIds(held.region)]) catalogue.index.remove(id);
    expect(catalogue.index.get(held.id)).toBeUndefined();
    const gone = await catalogue.execute({ document: lineage, variables: { id: held.id } });
    // This catalogue harvests no region, so once none of its datasets is held the id's region is unknown: no failure, no half record.
    expect(gone.data).toEqual({ dataset: null, lineage: null });
    expect(gone.errors?.map((error) => error.extensions?.code)).toEqual(['UNKNOWN_REGION']);

    for (const record of records) if (record.region === held.region) catalogue.index.upsert(record);
    const back = await catalogue.execute({ document: lineage, variables: { id: held.id } });
    expect(back).toEqual(before);
  });
});
