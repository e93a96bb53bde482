import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ckanCredentials } from '../../../gateway/ckan/ckanCredentials.ts';
import { CkanError } from '../../../gateway/ckan/ckanErrors.ts';
import { packageSearchArgs } from '../../../gateway/ckan/packageSearchArgs.ts';
import { parseSolrFilter, type CkanFilter } from '../../../gateway/ckan/parseSolrFilter.ts';
import { negotiateRdfFormat } from '../../../subgraphs/shared/rdf/negotiateRdfFormat.ts';

const parse = (fq: string) => {
  const filter: CkanFilter = { anyOf: [], nothing: false };
  parseSolrFilter(fq, 'fq', filter);
  return filter;
};

describe('parseSolrFilter', () => {
  it('maps CKAN\'s fields onto the catalogue\'s facets, one required group per clause', () => {
    expect(parse('+organization:cn-gx groups:(econ OR tran) res_format:csv AND tags:"trade balance" license_id:https\\://creativecommons.org/licenses/by/4.0/')).toEqual({
      anyOf: [
        [{ field: 'REGION', value: 'CN-GX' }],
        [{ field: 'THEME', value: 'ECON' }, { field: 'THEME', value: 'TRAN' }],
        [{ field: 'FORMAT', value: 'CSV' }],
        [{ field: 'KEYWORD', value: 'trade balance' }],
        [{ field: 'LICENSE', value: 'https://creativecommons.org/licenses/by/4.0/' }],
      ],
      nothing: false,
    });
  });

  it('reads metadata_modified ranges, CKAN\'s own clauses and *:*', () => {
    expect(parse('metadata_modified:[2024-01-01T00:00:00Z TO *] metadata_modified:[* TO 2025-06-30] +capacity:public +state:active *:*')).toEqual({
      anyOf: [],
      modifiedFrom: '2024-01-01T00:00:00Z',
      modifiedTo: '2025-06-30',
      nothing: false,
    });
    expect(parse('dataset_type:harvest').nothing).toBe(true);
    expect(parse('capacity:private').nothing).toBe(true);
  });

  it('takes free text and fielded terms apart in q', () => {
    const filter: CkanFilter = { anyOf: [], nothing: false };
    const words: string[] = [];
    parseSolrFilter('container (throughput) organization:sg "annual data" http://example.org', 'q', filter, words);
    expect(words).toEqual(['container', 'throughput', 'annual data', 'http://example.org']);
    expect(filter.anyOf).toEqual([[{ field: 'REGION', value: 'SG' }]]);
  });

  it('refuses anything it cannot mean with a Search Query Error naming the parameter, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        try {
          parse(text);
        } catch (error) {
          expect(error).toBeInstanceOf(CkanError);
          expect((error as CkanError).error).toMatchObject({ __type: 'Search Query Error', message: expect.stringMatching(/^Search Query is invalid: fq /) });
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('packageSearchArgs', () => {
  it('reads CKAN\'s defaults, an fq repeated in the query string, and the limits of rows and facet.limit', () => {
    expect(packageSearchArgs({})).toMatchObject({ text: '', rows: 10, start: 0, sort: 'RELEVANCE', sortParam: 'score desc, metadata_modified desc', facetFields: [], facetLimit: 50 });
    expect(packageSearchArgs({ fq: ['organization:mo', 'res_format:csv'], 'facet.limit': '-1', 'facet.field': '["tags","tags"]', rows: 1000, ext_bbox: '1,2,3,4' })).toMatchObject({
      filter: { anyOf: [[{ field: 'REGION', value: 'MO' }], [{ field: 'FORMAT', value: 'CSV' }]] },
      facetFields: ['tags'],
      facetLimit: 100,
      rows: 1000,
    });
  });
});

describe('ckanCredentials', () => {
  const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
  it.each([
    ['nothing', {}, {}],
    ['an API key in X-CKAN-API-Key', { 'x-ckan-api-key': 'portal-key' }, { 'x-api-key': 'portal-key' }],
    ['an API key bare in Authorization', { authorization: 'portal-key' }, { 'x-api-key': 'portal-key' }],
    ['a token bare in Authorization', { authorization: token }, { authorization: `Bearer ${token}` }],
    ['a token in X-CKAN-API-Key', { 'x-ckan-api-key': token }, { authorization: `Bearer ${token}` }],
    ['a bearer token', { authorization: `Bearer ${token}` }, { authorization: `Bearer ${token}` }],
    ['another scheme, passed on to be refused', { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Basic dXNlcjpwYXNz' }],
    ['Authorization before X-CKAN-API-Key, as in CKAN', { authorization: 'first', 'x-ckan-api-key': 'second' }, { 'x-api-key': 'first' }],
    ['Wharf\'s own X-Api-Key', { 'x-api-key': 'portal-key' }, { 'x-api-key': 'portal-key' }],
  ])('sends %s as /graphql takes it', (_what, headers, expected) => {
    expect(ckanCredentials(new Headers(headers))).toEqual(expected);
  });
});

describe('negotiateRdfFormat', () => {
  it.each([
    [undefined, undefined, 'jsonld'],
    ['', undefined, 'jsonld'],
    ['text/turtle', undefined, 'turtle'],
    ['application/json', undefined, 'jsonld'],
    ['text/*;q=0.9, application/rdf+xml;q=0.8', undefined, 'turtle'],
    ['application/ld+json;q=0.5, application/rdf+xml', undefined, 'rdfxml'],
    ['*/*', undefined, 'jsonld'],
    ['text/turtle;q=0, */*;q=0.1', undefined, 'jsonld'],
    ['TEXT/Turtle; charset="utf-8"', undefined, 'turtle'],
    ['text/html', 'rdfxml', 'rdfxml'],
  ] as const)('answers Accept %j (extension %s) with %s', (accept, extension, format) => {
    expect(negotiateRdfFormat(accept, extension)).toEqual({ format, byExtension: extension !== undefined });
  });

  it('refuses a header longer than it reads, quoting none of it', () => {
    const result = negotiateRdfFormat(`text/turtle, ${'a/b, '.repeat(300)}`);
    expect(result).toEqual({ error: expect.stringMatching(/^The Accept header is 1513 characters long; at most 1024 are read\./) });
  });
});

describe('operation names', () => {
  it('lists, for the metrics, every operation the CKAN API and the DCAT catalogue run', async () => {
    const { readFile } = await import('node:fs/promises');
    const { ckanOperationNames } = await import('../../../gateway/ckan/ckanActions.ts');
    const { dcatOperationNames } = await import('../../../gateway/dcat/dcatPlugin.ts');
    const namesIn = async (files: string[]) =>
      (await Promise.all(files.map((file) => readFile(new URL(`../../../gateway/${file}`, import.meta.url), 'utf8')))).flatMap((text) => [...text.matchAll(/query (Wharf\w+)/g)].map((match) => match[1]!));
    expect((await namesIn(['ckan/packageActions.ts', 'ckan/catalogueActions.ts', 'ckan/ckanPlugin.ts'])).sort()).toEqual([...ckanOperationNames].sort());
    expect((await namesIn(['dcat/dcatPlugin.ts'])).sort()).toEqual([...dcatOperationNames].sort());
  });
});
