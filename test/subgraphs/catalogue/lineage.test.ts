import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureLineageProducer, startFixtureWharf, type FixtureWharf } from '../../support/fixtureRegions.ts';

const graph = `query ($id: ID!, $direction: LineageDirection, $depth: Int) {
  lineage(id: $id, direction: $direction, depth: $depth) {
    root { id } nodes { id } isPartial partialRegions
    edges { upstream downstream depth crossBorder fromJurisdiction toJurisdiction job }
  }
}`;

describe('Query.lineage', () => {
  let wharf: FixtureWharf | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
  });

  it('follows lineage upstream across borders, marking each edge that crosses one', async () => {
    wharf = await startFixtureWharf();
    const { data, errors } = await wharf.query(graph, { id: 'VN:lang-son-border-trade', direction: 'UPSTREAM', depth: 2 });
    expect(errors).toBeUndefined();
    expect(data.lineage).toEqual({
      root: { id: 'VN:lang-son-border-trade' },
      nodes: [{ id: 'VN:lang-son-border-trade' }, { id: 'CN-GX:border-trade-raw' }, { id: 'MO:trade-balance' }, { id: 'MO:reexport-reconciliation' }],
      isPartial: false,
      partialRegions: [],
      edges: [
        { upstream: 'CN-GX:border-trade-raw', downstream: 'VN:lang-son-border-trade', depth: 1, crossBorder: true, fromJurisdiction: 'CN-GX', toJurisdiction: 'VN', job: null },
        { upstream: 'MO:trade-balance', downstream: 'VN:lang-son-border-trade', depth: 1, crossBorder: true, fromJurisdiction: 'MO', toJurisdiction: 'VN', job: 'gso.regional_trade_model' },
        { upstream: 'MO:reexport-reconciliation', downstream: 'MO:trade-balance', depth: 2, crossBorder: false, fromJurisdiction: 'MO', toJurisdiction: 'MO', job: 'dsec.trade.balance' },
      ],
    });
    // One more hop reaches Guangxi customs.
    const deeper = await wharf.query(graph, { id: 'VN:lang-son-border-trade', depth: 3 });
    expect(deeper.data.lineage.nodes.map((node: { id: string }) => node.id)).toContain('CN-GX:customs-exports');
    expect(deeper.data.lineage.edges).toContainEqual(
      expect.objectContaining({ upstream: 'CN-GX:customs-exports', downstream: 'MO:reexport-reconciliation', depth: 3, crossBorder: true }),
    );
  });

  it('answers impact analysis downstream, and both ways', async () => {
    wharf = await startFixtureWharf();
    const down = await wharf.query(graph, { id: 'CN-GX:customs-exports', direction: 'DOWNSTREAM', depth: 5 });
    expect(down.data.lineage.nodes.map((node: { id: string }) => node.id)).toEqual([
      'CN-GX:customs-exports',
      'MO:reexport-reconciliation',
      'MO:trade-balance',
      'VN:lang-son-border-trade',
    ]);
    const both = await wharf.query(graph, { id: 'MO:trade-balance', direction: 'BOTH', depth: 1 });
    expect(both.data.lineage.nodes.map((node: { id: string }) => node.id).sort()).toEqual(['MO:reexport-reconciliation', 'MO:trade-balance', 'VN:lang-son-border-trade']);
  });

  it('stops at cycles and at the depth asked', async () => {
    wharf = await startFixtureWharf();
    // Close a loop: Guangxi customs exports now derive from the Lang Son data.
    const file = join(wharf.regions.get('CN-GX')!.folder, 'customs-exports.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(file, `${await readFile(file, 'utf8')}lineage:\n  - { upstream: "VN:lang-son-border-trade" }\n`);
    await wharf.wharf.catalogue.harvester.harvest('CN-GX');
    const { data } = await wharf.query(graph, { id: 'VN:lang-son-border-trade', depth: 20 });
    const ids = data.lineage.nodes.map((node: { id: string }) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(data.lineage.edges).toContainEqual(expect.objectContaining({ upstream: 'VN:lang-son-border-trade', downstream: 'CN-GX:customs-exports' }));
    const one = await wharf.query(graph, { id: 'VN:lang-son-border-trade', depth: 1 });
    expect(one.data.lineage.edges.every((edge: { depth: number }) => edge.depth === 1)).toBe(true);
    const bad = await wharf.query(graph, { id: 'VN:lang-son-border-trade', depth: 50 });
    expect(bad.errors?.[0]).toMatchObject({ message: '"depth" must be from 1 to 20; got 50.', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('marks the graph partial when a region on it is down, keeping the other regions\' nodes', async () => {
    wharf = await startFixtureWharf();
    await wharf.regions.get('MO')!.server[Symbol.asyncDispose]();
    await wharf.wharf.catalogue.harvester.harvest('MO');
    const { data } = await wharf.query(graph, { id: 'VN:lang-son-border-trade', depth: 4 });
    expect(data.lineage.isPartial).toBe(true);
    expect(data.lineage.partialRegions).toEqual(['MO']);
    expect(data.lineage.nodes.map((node: { id: string }) => node.id)).toEqual(expect.arrayContaining(['VN:lang-son-border-trade', 'CN-GX:border-trade-raw', 'CN-GX:customs-exports']));
  });
});

describe('Query.crossBorderFlows', () => {
  it('lists the edges that move data from one jurisdiction to another, filtered by country or residency', async () => {
    await using wharf = await startFixtureWharf();
    const flows = `query ($from: String, $to: String) { crossBorderFlows(from: $from, to: $to) {
      edge { upstream downstream fromJurisdiction toJurisdiction }
      upstream { id ... on Dataset { classification { personalData securityLevel } } }
    } }`;
    const fromChina = await wharf.query(flows, { from: 'CN' });
    expect(fromChina.data.crossBorderFlows.map((flow: { edge: { upstream: string; downstream: string } }) => `${flow.edge.upstream}>${flow.edge.downstream}`)).toEqual([
      'CN-GX:customs-exports>MO:reexport-reconciliation',
      'CN-GX:border-trade-raw>VN:lang-son-border-trade',
    ]);
    expect(fromChina.data.crossBorderFlows[0].upstream).toEqual({ id: 'CN-GX:customs-exports', classification: { personalData: 'none', securityLevel: 'general' } });
    const toMacao = await wharf.query(flows, { from: 'CN-GX', to: 'MO' });
    expect(toMacao.data.crossBorderFlows).toHaveLength(1);
    const none = await wharf.query(flows, { from: 'SG' });
    expect(none.data.crossBorderFlows).toEqual([]);
  });
});

describe('lineage from OpenLineage runs', () => {
  it('shows ingested edges after the next harvest, external inputs as ExternalDataset', async () => {
    await using wharf = await startFixtureWharf();
    const mo = wharf.regions.get('MO')!;
    const event = {
      eventType: 'COMPLETE',
      eventTime: '2025-03-01T00:00:00Z',
      producer: 'https://example.org/dbt',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: '0191b7d0-7c3a-7f00-8000-00000000abcd' },
      job: { namespace: 'dsec', name: 'balance.build' },
      inputs: [{ namespace: 's3://feeds', name: 'hk/transshipment.csv' }],
      outputs: [
        {
          namespace: 'dsec',
          name: 'trade-balance',
          facets: {
            columnLineage: {
              _producer: 'https://example.org/dbt',
              _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
              fields: { balance_mop: { inputFields: [{ namespace: 's3://feeds', name: 'hk/transshipment.csv', field: 'value_hkd' }] } },
            },
          },
        },
      ],
    };
    const response = await fetch(`${mo.server.origin}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fixtureLineageProducer.key}` },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(201);
    await wharf.wharf.catalogue.harvester.harvest('MO');
    const { data } = await wharf.query(`{ dataset(id: "MO:trade-balance") { upstream { __typename id ... on ExternalDataset { namespace name } } } }`);
    expect(data.dataset.upstream).toEqual([
      { __typename: 'Dataset', id: 'MO:reexport-reconciliation' },
      { __typename: 'ExternalDataset', id: 'ol:s3%3A%2F%2Ffeeds/hk/transshipment.csv', namespace: 's3://feeds', name: 'hk/transshipment.csv' },
    ]);
    const graphResult = await wharf.query(`{ lineage(id: "MO:trade-balance", depth: 1) { nodes { id } edges { upstream job runTime columns { field inputFields { namespace name field } } } } }`);
    expect(graphResult.data.lineage.edges).toContainEqual({
      upstream: 'ol:s3%3A%2F%2Ffeeds/hk/transshipment.csv',
      job: 'balance.build',
      runTime: '2025-03-01T00:00:00Z',
      columns: [{ field: 'balance_mop', inputFields: [{ namespace: 's3://feeds', name: 'hk/transshipment.csv', field: 'value_hkd' }] }],
    });
    // Time bounds: only the edge observed since mid-February (the declared one has no time).
    const recent = await wharf.query(`{ lineage(id: "MO:trade-balance", depth: 3, since: "2025-02-15") { edges { upstream } } }`);
    expect(recent.data.lineage.edges).toEqual([{ upstream: 'ol:s3%3A%2F%2Ffeeds/hk/transshipment.csv' }]);
    const bad = await wharf.query(`{ lineage(id: "MO:trade-balance", since: "soon") { isPartial } }`);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});
