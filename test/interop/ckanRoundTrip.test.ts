import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetRecord } from '../../schema/datasetRecord.ts';
import { serveRegion, type RegionServer } from '../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../subgraphs/region/store/createFileStore.ts';
import { loadDatasetFolder } from '../../subgraphs/region/store/loadDatasetFolder.ts';
import { loadRegionPolicies } from '../../subgraphs/shared/access/loadRegionPolicies.ts';
import { fixtureGatewayKeys, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { runWharf } from '../support/runWharf.ts';

const malaysia = fileURLToPath(new URL('../../subgraphs/demo/MY/', import.meta.url));

/** What a CKAN package carries of a record: everything but its access attributes, lineage, OpenLineage names and rights statement, which CKAN has no field for. */
function carried(record: DatasetRecord) {
  const { revision: _revision, access: _access, lineage: _lineage, identifiers: _identifiers, rights: _rights, ...rest } = record;
  return rest;
}

describe('wharf import --from ckan, reading Wharf\'s own CKAN API', () => {
  let wharf: FixtureWharf;
  let store: FileStore;
  let region: RegionServer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-ckan-round-trip-'));
    store = await createFileStore({ region: 'MY', folder: malaysia, pollIntervalMs: 0 });
    region = await serveRegion({ store, policies: await loadRegionPolicies('MY', malaysia), gatewayPublicKey: fixtureGatewayKeys.publicKey, name: 'Malaysia' });
    wharf = await startFixtureWharf({ registered: [], extraRegions: [{ code: 'MY', name: 'Malaysia', url: region.url }] });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
    await region?.[Symbol.asyncDispose]();
    await store?.[Symbol.asyncDispose]();
    await rm(dir, { recursive: true, force: true });
  });

  it('reproduces all 290 Malaysian datasets from package_search pages', async () => {
    const pages = join(dir, 'pages');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(pages);
    // As a harvester pages: 100 at a time, by start, until the count is reached.
    let count = Infinity;
    for (let start = 0; start < count; start += 100) {
      const url = new URL('/api/3/action/package_search', wharf.wharf.origin);
      for (const [key, value] of Object.entries({ fq: 'organization:my', rows: '100', start: String(start), sort: 'title_string asc' })) url.searchParams.set(key, value);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { result: { count: number } };
      count = body.result.count;
      await writeFile(join(pages, `page-${String(start).padStart(4, '0')}.json`), JSON.stringify(body));
    }
    expect(count).toBe(290);

    const out = join(dir, 'MY');
    const imported = await runWharf('import', '--from', 'ckan', pages, '--region', 'MY', '--language', 'ms', '--out', out);
    expect(imported).toMatchObject({ code: 0, stderr: '' });
    expect(imported.stdout.split('\n').slice(0, 2)).toEqual(['Read 3 ckan file(s): 290 dataset(s), 290 taken, 0 skipped.', `Wrote region MY to ${out}: 290 new or changed, 0 unchanged.`]);

    const original = new Map((await loadDatasetFolder(malaysia, 'MY')).records.map((record) => [record.id, record]));
    const copy = (await loadDatasetFolder(out, 'MY')).records;
    expect(copy.map((record) => record.id).sort()).toEqual([...original.keys()].sort());
    const harvested = wharf.wharf.catalogue.harvester.status('MY')?.lastSuccessAt;
    const differences = copy.flatMap((record) => {
      const expected = carried(original.get(record.id)!);
      // CKAN always dates a package: a dataset that gives no modification date comes back dated by the catalogue's harvest.
      const got = carried(record);
      if (expected.modified === undefined && got.modified !== undefined && harvested && Date.parse(got.modified) === Date.parse(harvested)) delete got.modified;
      return JSON.stringify(got) === JSON.stringify(expected) ? [] : [{ id: record.id, expected, got }];
    });
    expect(differences).toEqual([]);
  }, 120_000);
});
