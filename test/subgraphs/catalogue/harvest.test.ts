import { signedRequestHeader, signRegionRequest } from '../../../schema/signedRequest.ts';
import { unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogueIndex } from '../../../subgraphs/catalogue/createCatalogueIndex.ts';
import { createHarvester } from '../../../subgraphs/catalogue/createHarvester.ts';
import { fixtureGatewayKeys, startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

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
    expect(mo).toMatchObject({ code: 'MO', datasetCount: 2, stale: true, lastError: 'The last harvest failed; the catalogue serves the last good copy.' });
    expect(wharf.wharf.catalogue.harvester.status('MO')).toMatchObject({ stale: true, lastError: 'change feed could not be reached' });
    expect(mo.lastSuccessAt).toEqual(expect.any(String));
    expect((await searchIds('balance')).edges).toContainEqual({ node: { id: 'MO:trade-balance' } });
  });

  it('tries a failed region again within seconds, backing off, not only at the next interval', async () => {
    wharf = await startFixtureWharf();
    const region = wharf.regions.get('MO')!.server;
    let failuresLeft = 2;
    const attempts: number[] = [];
    const flakyFetch: typeof globalThis.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/changes')) {
        attempts.push(Date.now());
        if (failuresLeft-- > 0) return Promise.reject(new TypeError('fetch failed'));
      }
      return globalThis.fetch(input, init);
    };
    await using harvester = createHarvester({
      regions: [{ code: 'MO', name: 'Macao', url: region.url }],
      index: createCatalogueIndex(),
      intervalMs: 60_000,
      retryBaseMs: 200,
      fetch: flakyFetch,
      signRequest: (request) => ({ [signedRequestHeader]: signRegionRequest(fixtureGatewayKeys.privateKey, request) }),
    });
    await harvester.harvestAll();
    expect(harvester.states()[0]).toMatchObject({ stale: true, lastError: 'change feed could not be reached' });
    harvester.start();
    await expect.poll(() => harvester.states()[0]!.lastSuccessAt, { timeout: 5000, interval: 50 }).toBeInstanceOf(Date);
    expect(harvester.states()[0]).toMatchObject({ stale: false, lastError: undefined });
    // One failure, a retry 200 ms later that fails, one 400 ms after that that succeeds.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(190);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(390);
  });

  it('says a change-feed page that stopped arriving half-way was slow, not malformed', async () => {
    const stalled = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"region":"MO","changes":[');
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalled.address() as AddressInfo;
      await using harvester = createHarvester({ regions: [{ code: 'MO', name: 'Macao', url: `http://127.0.0.1:${port}/graphql` }], index: createCatalogueIndex(), intervalMs: 0, pageTimeoutMs: 300 });
      await harvester.harvestAll();
      expect(harvester.states()[0]).toMatchObject({ stale: true, lastError: 'change feed page not received within 300 ms' });
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
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

describe('catalogue harvest: reconcile and webhook', () => {
  let wharf: FixtureWharf | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
  });

  it('removes, on the next harvest, a dataset deleted while the region\'s feed was rebuilt (no tombstone ever seen)', async () => {
    const { createFileStore } = await import('../../../subgraphs/region/store/createFileStore.ts');
    const { serveRegion } = await import('../../../subgraphs/region/serveRegion.ts');
    wharf = await startFixtureWharf();
    const mo = wharf.regions.get('MO')!;
    const port = Number(new URL(mo.server.url).port);
    // The region goes away, loses a dataset, and comes back with a new store: its feed restarts (a new epoch).
    await mo.server[Symbol.asyncDispose]();
    await mo.store[Symbol.asyncDispose]();
    await unlink(join(mo.folder, 'trade-balance.yaml'));
    mo.store = await createFileStore({ region: 'MO', folder: mo.folder, pollIntervalMs: 0 });
    const { loadRegionPolicies } = await import('../../../subgraphs/shared/access/loadRegionPolicies.ts');
    mo.server = await serveRegion({ store: mo.store, port, policies: await loadRegionPolicies('MO', mo.folder), gatewayPublicKey: fixtureGatewayKeys.publicKey });

    await wharf.wharf.catalogue.harvester.harvest('MO');
    expect(await wharf.query(`{ dataset(id: "MO:trade-balance") { id } }`)).toEqual({ data: { dataset: null } });
    expect((await wharf.query(`{ dataset(id: "MO:reexport-reconciliation") { id downstream { id } } }`)).data.dataset).toEqual({
      id: 'MO:reexport-reconciliation',
      downstream: [],
    });
  });

  it('reconciles on the interval even when the feed still answers with changes', async () => {
    wharf = await startFixtureWharf({ reconcileIntervalMs: 0 });
    const harvester = wharf.wharf.catalogue.harvester;
    const before = harvester.states().find((state) => state.region.code === 'VN')!.lastReconcileAt!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await harvester.harvest('VN');
    expect(harvester.states().find((state) => state.region.code === 'VN')!.lastReconcileAt!.getTime()).toBeGreaterThan(before.getTime());
  });

  it('pulls a region within 2 s of a signed webhook ping, and refuses unsigned or stale pings', async () => {
    const { webhookRequest } = await import('../../../schema/harvestWebhook.ts');
    const secret = 'a-test-secret-of-some-length';
    wharf = await startFixtureWharf({ harvestIntervalMs: 0, webhookSecret: secret });
    const hook = `${wharf.wharf.origin}/hooks/harvest`;
    const vn = wharf.regions.get('VN')!;
    await writeFile(
      join(vn.folder, 'da-nang-tourism.yaml'),
      'language: vi\ntitle: { vi: Du lịch Đà Nẵng, en: Da Nang tourism }\ndescription: Lượt khách đến Đà Nẵng.\n',
    );

    const unsigned = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"region":"VN"}' });
    expect(unsigned.status).toBe(401);
    const stale = webhookRequest('VN', secret, Date.now() - 10 * 60_000);
    expect((await fetch(hook, { method: 'POST', ...stale })).status).toBe(401);
    const forged = webhookRequest('VN', 'not-the-secret-at-all');
    expect((await fetch(hook, { method: 'POST', ...forged })).status).toBe(401);
    expect((await searchIds('da nang')).totalCount).toBe(0);

    const started = Date.now();
    const ping = await fetch(hook, { method: 'POST', ...webhookRequest('VN', secret) });
    expect(ping.status).toBe(202);
    await expect.poll(async () => (await searchIds('da nang')).edges, { timeout: 2000, interval: 50 }).toEqual([
      { node: { id: 'VN:da-nang-tourism' } },
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers a malformed ping with 400 and changes nothing', async () => {
    wharf = await startFixtureWharf({ webhookSecret: 'a-test-secret-of-some-length' });
    const hook = `${wharf.wharf.origin}/hooks/harvest`;
    for (const body of ['not json', '{"region": 7}', '[]']) {
      const response = await fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
    }
    expect((await fetch(hook)).status).toBe(405);
  });

  const searchIds = async (query: string) =>
    (await wharf!.query(`query ($q: String) { search(query: $q, first: 100) { totalCount edges { node { id } } } }`, { q: query })).data
      .search;
});
