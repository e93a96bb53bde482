import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

describe('catalogue harvest', () => {
  let wharf: FixtureWharf | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
  });

  const searchIds = async (query: string) =>
    (await wharf!.query(`query ($q: String) { search(query: $q, first: 100) { totalCount edges { node { id } } } }`, { q: query })).data
      .search;

  it('removes a deleted dataset from search and from lineage after the next harvest', async () => {
    wharf = await startFixtureWharf();
    expect((await searchIds('customs')).edges).toContainEqual({ node: { id: 'CN-GX:customs-exports' } });
    const lineage = `{ dataset(id: "MO:reexport-reconciliation") { upstream { id } } }`;
    expect((await wharf.query(lineage)).data.dataset.upstream).toEqual([{ id: 'CN-GX:customs-exports' }]);

    await unlink(join(wharf.regions.get('CN-GX')!.folder, 'customs-exports.yaml'));
    await wharf.wharf.catalogue.harvester.harvest('CN-GX');

    expect((await searchIds('customs')).edges).not.toContainEqual({ node: { id: 'CN-GX:customs-exports' } });
    expect((await wharf.query(lineage)).data.dataset.upstream).toEqual([]);
    const downstream = await wharf.query(`{ dataset(id: "CN-GX:customs-exports") { id } }`);
    expect(downstream).toEqual({ data: { dataset: null } });
  });

  it('keeps a failing region\'s last good copy and flags it stale in Query.regions', async () => {
    wharf = await startFixtureWharf();
    await wharf.regions.get('MO')!.server[Symbol.asyncDispose]();
    await wharf.wharf.catalogue.harvester.harvest('MO');
    const { data } = await wharf.query(`{ regions { code datasetCount stale lastError lastSuccessAt } }`);
    const mo = data.regions.find((region: { code: string }) => region.code === 'MO');
    expect(mo).toMatchObject({ code: 'MO', datasetCount: 2, stale: true, lastError: 'change feed could not be reached' });
    expect(mo.lastSuccessAt).toEqual(expect.any(String));
    expect((await searchIds('balance')).edges).toContainEqual({ node: { id: 'MO:trade-balance' } });
  });

  it('pages search results with opaque cursors and rejects a forged one', async () => {
    wharf = await startFixtureWharf();
    const page = async (after?: string) =>
      (await wharf!.query(`query ($after: String) { search(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`, { after })).data.search;
    const first = await page();
    expect(first.totalCount).toBe(6);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page(first.pageInfo.endCursor);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const ids = [...first.edges, ...second.edges].map((edge: { node: { id: string } }) => edge.node.id);
    expect(new Set(ids).size).toBe(6);
    const forged = await wharf.query(`{ search(after: "bm9wZQ") { totalCount } }`);
    expect(forged.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(forged.errors?.[0].message).toContain('"after" must be a cursor');
  });
});
