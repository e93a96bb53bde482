import { signedRegionFetch } from '../support/signedRegionFetch.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickTranslation, type DatasetRecord } from '../../schema/datasetRecord.ts';
import { loadDatasetFolder } from '../../subgraphs/region/store/loadDatasetFolder.ts';
import { fixtureRegionCodes, fixtureRegionsDir, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

/** Every fixture record, read straight from the files: the expected side never goes through the router. */
async function fixtureRecords(): Promise<Map<string, DatasetRecord>> {
  const records = new Map<string, DatasetRecord>();
  for (const code of fixtureRegionCodes) {
    const load = await loadDatasetFolder(join(fixtureRegionsDir, code), code);
    for (const record of load.records) records.set(record.id, record);
  }
  return records;
}

/** What one combined subgraph holding every region's records would answer. */
function combined(record: DatasetRecord) {
  return {
    id: record.id,
    region: record.region,
    title: pickTranslation(record.title, 'en'),
    publisher: record.publisher ? { name: record.publisher.name } : null,
    distributions: record.distributions.map((distribution) => ({
      format: distribution.format ?? null,
      accessUrl: distribution.accessUrl,
      byteSize: distribution.byteSize ?? null,
    })),
  };
}

describe('gateway across regions', () => {
  let wharf: FixtureWharf;
  let records: Map<string, DatasetRecord>;
  const regionRequests: { url: string; body: { query: string; variables: Record<string, unknown[]> } }[] = [];
  const spy: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.endsWith('/graphql') && init?.body) regionRequests.push({ url, body: JSON.parse(String(init.body)) });
    return fetch(input, init);
  };

  beforeAll(async () => {
    records = await fixtureRecords();
    wharf = await startFixtureWharf({ fetch: spy });
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  it('answers a query touching three regions exactly as one combined subgraph would', async () => {
    const ids = ['VN:lang-son-border-trade', 'CN-GX:customs-exports', 'MO:reexport-reconciliation', 'MO:trade-balance', 'VN:hanoi-air-quality'];
    const result = await wharf.query(
      `query ($ids: [ID!]!) { datasets(ids: $ids) { id region title(lang: "en") publisher { name } distributions { format accessUrl byteSize } } }`,
      { ids },
    );
    expect(result).toEqual({ data: { datasets: ids.map((id) => combined(records.get(id)!)) } });
  });

  it('supports aliases, named fragments and @include/@skip with variables', async () => {
    const result = await wharf.query(
      `query Page($withFiles: Boolean!, $brief: Boolean!) {
        mo: dataset(id: "MO:reexport-reconciliation") { ...Card files: distributions @include(if: $withFiles) { format } }
        gx: dataset(id: "CN-GX:customs-exports") { ...Card files: distributions @skip(if: $brief) { kind: format } }
      }
      fragment Card on Dataset { key: id name: title(lang: "pt") }`,
      { withFiles: true, brief: true },
    );
    expect(result).toEqual({
      data: {
        mo: { key: 'MO:reexport-reconciliation', name: 'Reconciliação do comércio de reexportação', files: [{ format: 'XLSX' }, { format: 'CSV' }] },
        gx: { key: 'CN-GX:customs-exports', name: '南宁海关出口统计' },
      },
    });
  });

  it('follows lineage three levels up across borders through batched entity fetches', async () => {
    regionRequests.length = 0;
    const result = await wharf.query(`{
      dataset(id: "VN:lang-son-border-trade") {
        id distributions { format }
        upstream { id ... on Dataset { distributions { format }
          upstream { id ... on Dataset { distributions { format }
            upstream { id ... on Dataset { region distributions { format mediaType } } } } } } }
      }
    }`);
    expect(result).toEqual({
      data: {
        dataset: {
          id: 'VN:lang-son-border-trade',
          distributions: [{ format: 'JSON' }],
          upstream: [
            { id: 'CN-GX:border-trade-raw', distributions: [{ format: 'CSV' }], upstream: [] },
            {
              id: 'MO:trade-balance',
              distributions: [{ format: 'CSV' }],
              upstream: [
                {
                  id: 'MO:reexport-reconciliation',
                  distributions: [{ format: 'XLSX' }, { format: 'CSV' }],
                  upstream: [{ id: 'CN-GX:customs-exports', region: 'CN-GX', distributions: [{ format: 'CSV', mediaType: 'text/csv' }] }],
                },
              ],
            },
          ],
        },
      },
    });
    // The Rust planner batches levels with different selections into one request of
    // aliased _entities fields, which the router splits: each region sees only its own ids.
    expect(regionRequests.some((request) => /_e1: _entities/.test(request.body.query))).toBe(true);
    for (const request of regionRequests) {
      const region = [...wharf.regions.values()].find((r) => r.server.url === request.url)!.server.region;
      for (const list of Object.values(request.body.variables)) {
        for (const representation of list as { id: string }[]) expect(representation.id.startsWith(`${region}:`)).toBe(true);
      }
    }
  });

  it('answers null with WRONG_REGION from a region asked for another region\'s id, the rest of the batch intact', async () => {
    const mo = wharf.regions.get('MO')!.server;
    const response = await signedRegionFetch(mo, '/graphql', {
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset { id } } }',
        variables: { r: [{ __typename: 'Dataset', id: 'MO:trade-balance' }, { __typename: 'Dataset', id: 'VN:hanoi-air-quality' }] },
      }),
    });
    const body = await response.json();
    expect(body.data).toEqual({ _entities: [{ id: 'MO:trade-balance' }, null] });
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({ path: ['_entities', 1], extensions: { code: 'WRONG_REGION', region: 'MO' } });
    expect(body.errors[0].message).toContain('belongs to region VN');
  });

  it('nulls ids of unknown regions with UNKNOWN_REGION', async () => {
    const result = await wharf.query(`{ datasets(ids: ["XX:nothing", "MO:trade-balance"]) { id } }`);
    expect(result).toEqual({
      data: { datasets: [null, { id: 'MO:trade-balance' }] },
      errors: [
        {
          message: 'Dataset "XX:nothing" names region XX, which this gateway does not route to (it routes CN-GX, MO, VN).',
          path: ['datasets', 0],
          extensions: { code: 'UNKNOWN_REGION', region: 'XX', serviceName: 'catalogue' },
        },
      ],
    });
  });
});
