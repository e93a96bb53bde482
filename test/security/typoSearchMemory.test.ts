import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDatasets } from '../../bench/generateDatasets.ts';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { createCatalogue, type Catalogue } from '../../subgraphs/catalogue/createCatalogue.ts';
import { maxQueryChars, maxWordChars } from '../../subgraphs/catalogue/search/analyzer.ts';
import { SearchIndex } from '../../subgraphs/catalogue/search/createSearchIndex.ts';
import { maxCursorChars } from '../../subgraphs/catalogue/search/searchPaging.ts';
import { compileRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';

const searchDocument = parse(`query ($q: String, $after: String) { search(query: $q, first: 5, after: $after) { totalCount edges { node { id } } } }`);
const suggestDocument = parse(`query ($p: String!) { suggest(prefix: $p) { text } }`);

/** A word of `length` letters no dataset contains (not one letter repeated, so the typo search cannot shortcut it). */
const longWord = (length: number) => Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[(i * 7 + (i >> 3)) % 26]).join('');
const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

describe('typo search with over-long words (anonymous)', () => {
  let catalogue: Catalogue;
  beforeAll(async () => {
    catalogue = await createCatalogue({ regions: [], harvestIntervalMs: 0 });
    for (const record of generateDatasets(2000, 5)) catalogue.index.upsert(record);
    for (const region of new Set(generateDatasets(2000, 5).map((record) => record.region))) {
      catalogue.discovery.setPolicies(compileRegionPolicies(region, { 'discover.cedar': '@id("all") @reason("r") permit (principal, action == Wharf::Action::"discover", resource);' }));
    }
  });
  afterAll(async () => {
    await catalogue?.[Symbol.asyncDispose]();
  });

  it('refuses 50 searches and 50 suggestions with a 45,000-character word with BAD_USER_INPUT, leaving RSS growth under 50 MB', async () => {
    const word = longWord(45_000);
    const before = process.memoryUsage.rss();
    for (let i = 0; i < 50; i += 1) {
      const search = await catalogue.execute({ document: searchDocument, variables: { q: `port ${word}${i}` } });
      expect(search.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
        [`"query" must be at most ${maxQueryChars} characters long; got ${(50_005 - 5_000 + String(i).length).toLocaleString('en')}.`, 'BAD_USER_INPUT'],
      ]);
      const suggest = await catalogue.execute({ document: suggestDocument, variables: { p: `${word}${i}` } });
      expect(codeOf(suggest)).toBe('BAD_USER_INPUT');
    }
    expect((process.memoryUsage.rss() - before) / 2 ** 20).toBeLessThan(50);
  }, 120_000);

  it('refuses a query within the length limit holding a word longer than a word may be, naming both values', async () => {
    const word = longWord(maxWordChars + 1);
    const result = await catalogue.execute({ document: searchDocument, variables: { q: `container ${word}` } });
    expect(result.errors?.map((error) => [error.message, error.extensions.code, error.extensions.argumentName])).toEqual([
      [`"query" holds a word of ${maxWordChars + 1} characters; a word may have at most ${maxWordChars}.`, 'BAD_USER_INPUT', 'query'],
    ]);
    const suggest = await catalogue.execute({ document: suggestDocument, variables: { p: word } });
    expect(suggest.errors?.map((error) => [error.message, error.extensions.code, error.extensions.argumentName])).toEqual([
      [`"prefix" holds a word of ${maxWordChars + 1} characters; a word may have at most ${maxWordChars}.`, 'BAD_USER_INPUT', 'prefix'],
    ]);
  });

  it('answers a 900 kB word with BAD_USER_INPUT, not a masked error', async () => {
    const result = await catalogue.execute({ document: searchDocument, variables: { q: longWord(900_000) } });
    expect(codeOf(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message.length).toBeLessThan(200);
  });

  it('searches a word exactly as long as a word may be, and a query exactly as long as a query may be', async () => {
    const word = await catalogue.execute({ document: searchDocument, variables: { q: longWord(maxWordChars) } });
    expect(word.errors).toBeUndefined();
    const query = await catalogue.execute({ document: searchDocument, variables: { q: 'port '.repeat(maxQueryChars / 5) } });
    expect(query.errors).toBeUndefined();
    expect((query.data as { search: { totalCount: number } }).search.totalCount).toBeGreaterThan(0);
  });

  it('refuses an over-long cursor without echoing it, and echoes at most the start of a malformed one', async () => {
    const long = await catalogue.execute({ document: searchDocument, variables: { q: 'port', after: 'x'.repeat(500_000) } });
    expect(long.errors?.map((error) => [error.message, error.extensions.code])).toEqual([
      [`"after" must be a cursor from a previous page's edges, at most ${maxCursorChars} characters long; got 500,000.`, 'BAD_USER_INPUT'],
    ]);
    const forged = await catalogue.execute({ document: searchDocument, variables: { q: 'port', after: 'y'.repeat(maxCursorChars) } });
    expect(codeOf(forged)).toBe('BAD_USER_INPUT');
    expect(forged.errors![0]!.message).toBe(`"after" must be a cursor from a previous page's edges; got "${'y'.repeat(32)}…".`);
  });

  it.each([
    ['anyOf with more than 100 conditions', { anyOf: Array.from({ length: 11 }, () => Array.from({ length: 10 }, () => ({ field: 'THEME', value: 'ECON' }))) }, 'filter.anyOf holds 110 conditions; at most 100.'],
    ['a filter value over 500 characters', { publishers: ['p'.repeat(20_000)] }, 'filter.publishers values must be at most 500 characters long; got one of 20,000.'],
    ['a long malformed date, quoted only in part', { modifiedFrom: 'z'.repeat(10_000) }, `filter.modifiedFrom must be an ISO 8601 date such as "2024-05-01"; got "${'z'.repeat(32)}…".`],
  ])('refuses %s with BAD_USER_INPUT', async (_, filter, message) => {
    const document = parse(`query ($f: SearchFilter) { search(query: "port", filter: $f) { totalCount } }`);
    const result = await catalogue.execute({ document, variables: { f: filter } });
    expect(result.errors?.map((error) => [error.message, error.extensions.code])).toEqual([[message, 'BAD_USER_INPUT']]);
  });
});

describe('SearchIndex with words longer than a word may be', () => {
  const access: DatasetRecord['access'] = { tier: 'public', personalData: 'none', securityLevel: 'general', residency: 'SG', allowedPurposes: [], allowedDestinations: [], readerRoles: [], obligations: [] };
  const base = { region: 'SG', language: 'en', description: [], keywords: [], themes: [], spatial: [], distributions: [], lineage: [], identifiers: [], access };
  const record = (identifier: string, title: string): DatasetRecord => ({ ...base, id: `SG:${identifier}`, identifier, revision: `r-${identifier}`, title: [{ lang: 'en', value: title }] });

  it('never expands a query word longer than a word may be by typo tolerance, however near an indexed term', () => {
    const index = new SearchIndex();
    const indexed = longWord(maxWordChars);
    index.upsert(record('longest', indexed));
    index.upsert(record('short', 'container'));
    const search = (text: string) => index.search({ text, sort: 'RELEVANCE', first: 10 }).hits.map((hit) => hit.id);
    expect(search(`${indexed} `)).toEqual(['SG:longest']);
    // Two letters added: within two edits of the indexed term, but too long to be expanded.
    expect(search(`${indexed}ab `)).toEqual([]);
    expect(search(`${indexed.slice(0, 10)}${indexed.slice(11)} `)).toEqual(['SG:longest']);
    expect(search('contaner ')).toEqual(['SG:short']);
  });

  it('leaves a longer token out of the index, counting it only in its field\'s length', () => {
    const index = new SearchIndex();
    const token = longWord(maxWordChars + 1);
    index.upsert(record('blob', `port ${token}`));
    expect(index.search({ text: `${token} `, sort: 'RELEVANCE', first: 10 }).total).toBe(0);
    const hit = index.search({ text: 'port ', sort: 'RELEVANCE', first: 10, explain: true }).hits[0]!;
    expect(hit.id).toBe('SG:blob');
    expect(hit.explanation!.matches).toEqual([{ term: 'port', fields: ['title'] }]);
  });
});
