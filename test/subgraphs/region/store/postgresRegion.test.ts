import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoIssuer, demoRegistryPath } from '../../../../gateway/demo/demoIdentity.ts';
import { createAuthenticator } from '../../../../gateway/identity/authenticate.ts';
import { readTrustedRegistry } from '../../../../gateway/identity/trustedRegistry.ts';
import { startWharf, type Wharf } from '../../../../gateway/startWharf.ts';
import { revisionOf } from '../../../../schema/datasetRecord.ts';
import { planImport, writeImportToStore } from '../../../../subgraphs/region/import/runImport.ts';
import { serveRegion, type RegionServer } from '../../../../subgraphs/region/serveRegion.ts';
import { createPostgresStore, type PostgresStore } from '../../../../subgraphs/region/store/createPostgresStore.ts';
import { loadRegionPolicies } from '../../../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys } from '../../../support/fixtureRegions.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';

const fixture = (path: string) => fileURLToPath(new URL(`../../../fixtures/${path}`, import.meta.url));

await describeWithServers([postgresServer], 'a region served from PostgreSQL behind the gateway', () => {
  const schema = `wharf_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let store: PostgresStore;
  let region: RegionServer;
  let wharf: Wharf;
  const query = async (text: string) => {
    const response = await fetch(wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: text }) });
    return response.json();
  };

  beforeAll(async () => {
    store = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    await writeImportToStore(await planImport({ from: 'dcat-us', input: fixture('import/dcat-us'), region: 'MO' }), store);
    region = await serveRegion({ store, policies: await loadRegionPolicies('MO', fixture('regions/MO')), gatewayPublicKey: fixtureGatewayKeys.publicKey });
    const authenticator = await createAuthenticator(demoIssuer, await readTrustedRegistry(demoRegistryPath));
    wharf = await startWharf({ regions: [{ code: 'MO', name: 'Macao', url: region.url }], harvestIntervalMs: 0, logging: false, authenticator, signingKey: fixtureGatewayKeys.privateKey });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
    await region?.[Symbol.asyncDispose]();
    await store?.[Symbol.asyncDispose]();
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('is searched through the catalogue and answers its own fields through the partition router', async () => {
    expect(await query('{ search(query: "widget modulation", first: 5) { totalCount edges { node { id title distributions { format accessUrl } } } } }')).toEqual({
      data: {
        search: {
          // A dataset matches when it holds every word of the query: "Widget Manufacturing Statistics" has no "modulation".
          totalCount: 2,
          // The two "Phase Modulation Ranges" datasets match about equally; the one with a distribution is better described and ranks first.
          edges: [
            {
              node: {
                id: 'MO:H49P2ZKM',
                title: 'U.S. Widget Phase Modulation Ranges for 2011',
                distributions: [{ format: 'CSV', accessUrl: 'https://data.agency.gov/datasets/widgets-modulator-ranges.csv' }],
              },
            },
            { node: { id: 'MO:H4K64G12', title: 'U.S. Widget Phase Modulation Ranges', distributions: [] } },
          ],
        },
      },
    });
  });

  it('shows an edit and a deletion after the next harvest', async () => {
    const [record] = await store.getMany(['MO:H4PZ56R2']);
    const { revision: _revision, ...content } = { ...record!, title: [{ lang: 'en', value: 'Widget Manufacturing, revised' }] };
    await store.upsertMany([{ ...content, revision: revisionOf(content) }]);
    await store.removeMany(['MO:H4K64G12']);
    await wharf.catalogue.harvester.harvest('MO');
    expect(await query('{ a: dataset(id: "MO:H4PZ56R2") { title } b: dataset(id: "MO:H4K64G12") { title } }')).toEqual({
      data: { a: { title: 'Widget Manufacturing, revised' }, b: null },
    });
  });
});
