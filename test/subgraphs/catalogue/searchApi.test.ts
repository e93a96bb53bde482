import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

describe('Query.search through the gateway', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf();
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  it('filters, facets and resolves region-owned fields of the hits through federation', async () => {
    const result = await wharf.query(`{
      search(query: "trade", filter: { regions: ["MO", "VN"], anyOf: [[{ field: THEME, value: "ECON" }]] }, first: 10) {
        totalCount
        edges { node { id distributions { format } } highlights { field } explain { coordination } }
        facets { field values { value count } }
      }
    }`);
    expect(result.errors).toBeUndefined();
    const search = result.data.search;
    expect(search.totalCount).toBe(3);
    expect(search.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual(
      ['MO:reexport-reconciliation', 'MO:trade-balance', 'VN:lang-son-border-trade'].sort(),
    );
    const mo = search.edges.find((edge: { node: { id: string } }) => edge.node.id === 'MO:reexport-reconciliation');
    expect(mo.node.distributions).toEqual([{ format: 'XLSX' }, { format: 'CSV' }]);
    expect(mo.highlights.map((highlight: { field: string }) => highlight.field)).toContain('title');
    expect(mo.explain.coordination).toBeGreaterThan(0);
    expect(search.facets.find((facet: { field: string }) => facet.field === 'REGION').values).toEqual([
      { value: 'MO', count: 2 },
      { value: 'VN', count: 1 },
    ]);
  });

  it('explains scores only when asked, through fragments too', async () => {
    const result = await wharf.query(`
      query { plain: search(query: "trade", first: 1) { edges { score } } explained: search(query: "trade", first: 1) { ...page } }
      fragment page on SearchConnection { edges { ... on SearchEdge { explain { coordination matches { term } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.plain.edges[0].score).toBeGreaterThan(0);
    expect(result.data.explained.edges[0].explain.matches.map((match: { term: string }) => match.term)).toContain('trade');
  });

  it('filters by modified date range, inclusive of the last day', async () => {
    const result = await wharf.query(`{ search(filter: { modifiedFrom: "2025-01-15", modifiedTo: "2025-02-01" }) { edges { node { id modified } } } }`);
    expect(result.data.search.edges.map((edge: { node: { id: string } }) => edge.node.id).sort()).toEqual(['CN-GX:customs-exports', 'MO:reexport-reconciliation']);
  });

  it.each([
    ['a first over 100', '{ search(first: 101) { totalCount } }', '"first" must be from 1 to 100; got 101.'],
    ['a bad date', '{ search(filter: { modifiedFrom: "yesterday" }) { totalCount } }', 'filter.modifiedFrom must be an ISO 8601 date such as "2024-05-01"; got "yesterday".'],
    ['a forged cursor', '{ search(after: "eyJ4IjoxfQ") { totalCount } }', '"after" must be a cursor from a previous page\'s edges; got "eyJ4IjoxfQ".'],
  ])('refuses %s with BAD_USER_INPUT naming it', async (_, query, message) => {
    const result = await wharf.query(query);
    expect(result.errors).toEqual([expect.objectContaining({ message, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  });

  it('refuses a cursor of a different search', async () => {
    const first = await wharf.query(`{ search(query: "trade", first: 1) { pageInfo { endCursor } } }`);
    const cursor = first.data.search.pageInfo.endCursor;
    const other = await wharf.query(`query ($after: String) { search(query: "air", after: $after) { totalCount } }`, { after: cursor });
    expect(other.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(other.errors?.[0].message).toContain('a cursor of a different search');
  });

  it('suggests titles in the asked language', async () => {
    const result = await wharf.query(`{ suggest(prefix: "re-exp", lang: "pt") { text dataset { id } } }`);
    expect(result.data.suggest).toEqual([{ text: 'Reconciliação do comércio de reexportação', dataset: { id: 'MO:reexport-reconciliation' } }]);
  });
});
