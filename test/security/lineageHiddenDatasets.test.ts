import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { fixtureLineageProducer, startFixtureWharf } from '../support/fixtureRegions.ts';

const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
/** What only the confidential dataset and its run carry: none of it may reach an anonymous consumer. */
const secrets = ['gx.secret', 'gx-internal', 'passport', 'traveller', '2025-04-20', '2025-05-02', 'border-trade-raw>CN-GX:border-crossings'];

const lineage = `query ($id: ID!, $direction: LineageDirection, $since: String) {
  lineage(id: $id, direction: $direction, depth: 5, since: $since) {
    nodes { __typename id }
    edges { upstream downstream job runTime crossBorder fromJurisdiction toJurisdiction columns { field inputFields { namespace name field } } }
  } }`;

describe('lineage of a confidential dataset', () => {
  it('shows an anonymous consumer the dataset by its id only, in lineage, cross-border flows, neighbours and the dataset page', async () => {
    await using fixture = await startFixtureWharf();
    const gx = fixture.regions.get('CN-GX')!;
    // Confidential: only Guangxi officials may discover it. It derives from a public dataset, and a public Vietnamese one derives from it.
    await writeFile(
      join(gx.folder, 'border-crossings.yaml'),
      [
        'language: en',
        'title: Youyi Pass crossing records',
        'description: Every crossing at the Youyi Pass, person by person.',
        'modified: "2025-04-20"',
        'lineage:',
        '  - { upstream: "CN-GX:border-trade-raw", job: gx.secret.crossing_match }',
        'identifiers:',
        '  - { namespace: "postgres://gx-internal:5432", name: gx.raw.crossings }',
        'access: { tier: confidential, personalData: sensitive }',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(fixture.regions.get('VN')!.folder, 'crossing-summary.yaml'),
      'language: en\ntitle: Huu Nghi crossings, monthly\ndescription: Monthly crossings at Huu Nghi.\nlineage:\n  - { upstream: "CN-GX:border-crossings", job: vn.crossing_summary }\n',
    );
    const event = {
      eventType: 'COMPLETE',
      eventTime: '2025-05-02T03:04:05Z',
      producer: 'https://example.org/etl',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: '0191b7d0-7c3a-7f00-8000-0000000c0ffe' },
      job: { namespace: 'gx-etl', name: 'passport_match' },
      inputs: [{ namespace: 'postgres://gx-internal:5432', name: 'gx.raw.passport_scans' }],
      outputs: [
        {
          namespace: 'postgres://gx-internal:5432',
          name: 'gx.raw.crossings',
          facets: {
            columnLineage: {
              _producer: 'https://example.org/etl',
              _schemaURL: 'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
              fields: { traveller_id: { inputFields: [{ namespace: 'postgres://gx-internal:5432', name: 'gx.raw.passport_scans', field: 'passport_no' }] } },
            },
          },
        },
      ],
    };
    // The region reads its new files, then takes the run.
    await fixture.wharf.catalogue.harvester.harvestAll();
    const posted = await fetch(`${gx.server.origin}/api/v1/lineage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${fixtureLineageProducer.key}` },
      body: JSON.stringify(event),
    });
    expect([posted.status, (await posted.json()).unmappedOutputs]).toEqual([201, []]);
    await fixture.wharf.catalogue.harvester.harvestAll();

    const anonymous = async (query: string, variables?: Record<string, unknown>) => {
      const result = await fixture.query(query, variables);
      expect(result.errors).toBeUndefined();
      for (const secret of secrets) expect(JSON.stringify(result.data), secret).not.toContain(secret);
      return result.data;
    };

    // Upstream of the visible dataset: a stub, and the edge only as the Vietnamese dataset declares it.
    expect((await anonymous(lineage, { id: 'VN:crossing-summary', direction: 'BOTH' })).lineage).toEqual({
      nodes: [
        { __typename: 'Dataset', id: 'VN:crossing-summary' },
        { __typename: 'RestrictedDataset', id: 'CN-GX:border-crossings' },
      ],
      edges: [
        { upstream: 'CN-GX:border-crossings', downstream: 'VN:crossing-summary', job: 'vn.crossing_summary', runTime: null, crossBorder: false, fromJurisdiction: null, toJurisdiction: 'VN', columns: [] },
      ],
    });
    // Downstream of its public source, at any `since`: it is not there at all (its edges are its own).
    const downstream = {
      nodes: [
        { __typename: 'Dataset', id: 'CN-GX:border-trade-raw' },
        { __typename: 'Dataset', id: 'VN:lang-son-border-trade' },
      ],
      edges: [
        { upstream: 'CN-GX:border-trade-raw', downstream: 'VN:lang-son-border-trade', job: null, runTime: null, crossBorder: true, fromJurisdiction: 'CN-GX', toJurisdiction: 'VN', columns: [] },
      ],
    };
    expect((await anonymous(lineage, { id: 'CN-GX:border-trade-raw', direction: 'DOWNSTREAM' })).lineage).toEqual(downstream);
    // Bisecting `since` around its last change and its run finds nothing either (the public edge has no time, so no date keeps it).
    for (const since of ['2025-04-19', '2025-04-21', '2025-05-01', '2025-05-03']) {
      expect((await anonymous(lineage, { id: 'CN-GX:border-trade-raw', direction: 'DOWNSTREAM', since })).lineage).toEqual({ nodes: downstream.nodes.slice(0, 1), edges: [] });
    }
    expect((await anonymous('{ lineage(id: "CN-GX:border-crossings") { nodes { id } } }')).lineage).toBeNull();
    expect((await anonymous('{ dataset(id: "CN-GX:border-trade-raw") { downstream { __typename id } } }')).dataset.downstream).toEqual([
      { __typename: 'Dataset', id: 'VN:lang-son-border-trade' },
    ]);
    expect((await anonymous('{ dataset(id: "VN:crossing-summary") { upstream { __typename id } } }')).dataset.upstream).toEqual([
      { __typename: 'RestrictedDataset', id: 'CN-GX:border-crossings' },
    ]);
    const flows = await anonymous('{ crossBorderFlows { edge { upstream downstream } } }');
    expect(flows.crossBorderFlows.map((flow: { edge: { upstream: string; downstream: string } }) => `${flow.edge.upstream}>${flow.edge.downstream}`)).toEqual([
      'CN-GX:customs-exports>MO:reexport-reconciliation',
      'CN-GX:border-trade-raw>VN:lang-son-border-trade',
      'MO:trade-balance>VN:lang-son-border-trade',
    ]);
    const page = await (await fetch(`${fixture.wharf.origin}/datasets/VN:crossing-summary`)).text();
    expect(page).toContain('CN-GX:border-crossings');
    for (const secret of secrets) expect(page, secret).not.toContain(secret);

    // A Guangxi official may discover it, and sees all of it.
    const official = await fixture.query(lineage, { id: 'VN:crossing-summary', direction: 'UPSTREAM' }, tokens['guangxi-official']);
    expect(official.data.lineage.edges).toContainEqual({
      upstream: 'ol:postgres%3A%2F%2Fgx-internal%3A5432/gx.raw.passport_scans',
      downstream: 'CN-GX:border-crossings',
      job: 'passport_match',
      runTime: '2025-05-02T03:04:05Z',
      crossBorder: false,
      fromJurisdiction: null,
      toJurisdiction: 'CN-GX',
      columns: [{ field: 'traveller_id', inputFields: [{ namespace: 'postgres://gx-internal:5432', name: 'gx.raw.passport_scans', field: 'passport_no' }] }],
    });
    expect(official.data.lineage.edges).toContainEqual(expect.objectContaining({ upstream: 'CN-GX:border-crossings', downstream: 'VN:crossing-summary', crossBorder: true, fromJurisdiction: 'CN-GX' }));
  });
});
