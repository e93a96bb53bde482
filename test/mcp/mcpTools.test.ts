import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPortalApiKey } from '../../gateway/demo/demoIdentity.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { call, connect, demoTokens, textOf, type ConnectedClient, type Transport } from './mcpClients.ts';

let fixture: FixtureWharf;

beforeAll(async () => {
  fixture = await startFixtureWharf();
  // Restricted, for one purpose: anonymous callers are denied, a Guangxi customs official may read it on a condition.
  await writeFile(
    join(fixture.regions.get('CN-GX')!.folder, 'port-manifests.yaml'),
    [
      'language: en',
      'title: Qinzhou port cargo manifests',
      'description: Cargo manifests of ships calling at Qinzhou port.',
      'keywords: [port, manifests]',
      'themes: [TRAN]',
      'modified: "2025-03-01"',
      'distributions:',
      '  - { format: CSV, accessUrl: https://example.gx.gov.cn/manifests.csv }',
      'access: { tier: restricted, readerRoles: [customs-official], allowedPurposes: [statistics] }',
      '',
    ].join('\n'),
  );
  await fixture.wharf.catalogue.harvester.harvestAll();
}, 60_000);

afterAll(async () => {
  await fixture?.[Symbol.asyncDispose]();
});

const manifests = {
  id: 'CN-GX:port-manifests',
  uri: 'wharf://datasets/CN-GX:port-manifests',
  title: 'Qinzhou port cargo manifests',
  region: 'CN-GX',
  description: 'Cargo manifests of ships calling at Qinzhou port.',
  publisher: null,
  themes: ['TRAN'],
  license: null,
  modified: '2025-03-01',
  formats: ['CSV'],
};

describe.each(['http', 'stdio'] as Transport[])('MCP tools over %s', (transport) => {
  let anonymous: ConnectedClient;
  let official: ConnectedClient;

  beforeAll(async () => {
    [anonymous, official] = await Promise.all([connect(transport, fixture.wharf), connect(transport, fixture.wharf, { token: demoTokens['guangxi-official'] })]);
  }, 60_000);

  afterAll(async () => {
    await anonymous?.[Symbol.asyncDispose]();
    await official?.[Symbol.asyncDispose]();
  });

  it('lists six read-only tools, each with an input and an output schema', async () => {
    const { tools } = await anonymous.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['search_datasets', 'get_dataset', 'check_access', 'get_lineage', 'cross_border_flows', 'list_regions']);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
    }
    expect(Object.keys(tools[0]!.inputSchema.properties!)).toEqual(['query', 'regions', 'themes', 'formats', 'licenses', 'first', 'after', 'lang']);
  });

  it('search_datasets finds datasets by words and filters, each with the caller’s own access decision', async () => {
    const search = { query: 'manifests', regions: ['CN-GX'], themes: ['TRAN'], formats: ['CSV'], lang: 'en' };
    const facets = [
      { field: 'region', values: [{ value: 'CN-GX', count: 1 }] },
      { field: 'theme', values: [{ value: 'TRAN', count: 1 }] },
      { field: 'publisher', values: [] },
      { field: 'format', values: [{ value: 'CSV', count: 1 }] },
      { field: 'license', values: [] },
      { field: 'keyword', values: [{ value: 'manifests', count: 1 }, { value: 'port', count: 1 }] },
    ];
    const denied = await call(anonymous.client, 'search_datasets', search);
    expect(denied.structuredContent).toEqual({ totalCount: 1, datasets: [{ ...manifests, access: 'DENY' }], nextCursor: null, facets, notes: [] });
    expect(textOf(denied)).toBe(
      '1 dataset(s) you may see match "manifests"; 1 shown.\n1. CN-GX:port-manifests — "Qinzhou port cargo manifests" [CN-GX; CSV; modified 2025-03-01; access DENY]\nBy region: CN-GX 1.\nBy theme: TRAN 1.',
    );
    expect((await call(official.client, 'search_datasets', search)).structuredContent).toMatchObject({ datasets: [{ ...manifests, access: 'CONDITIONAL' }] });
    expect((await call(anonymous.client, 'search_datasets', { ...search, licenses: ['https://creativecommons.org/licenses/by/4.0/'] })).structuredContent).toMatchObject({ totalCount: 0, datasets: [] });
  });

  it('search_datasets pages through every dataset the caller may see with after', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = (await call(anonymous.client, 'search_datasets', { first: 3, ...(after ? { after } : {}) })).structuredContent as { totalCount: number; datasets: { id: string }[]; nextCursor: string | null };
      expect(page.totalCount).toBe(7);
      seen.push(...page.datasets.map((dataset) => dataset.id));
      after = page.nextCursor ?? undefined;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([
      'CN-GX:border-trade-raw',
      'CN-GX:customs-exports',
      'CN-GX:port-manifests',
      'MO:reexport-reconciliation',
      'MO:trade-balance',
      'VN:hanoi-air-quality',
      'VN:lang-son-border-trade',
    ]);
  });

  it('get_dataset answers metadata, classification, quality, and distribution links only where the caller may read', async () => {
    const denied = await call(anonymous.client, 'get_dataset', { id: 'CN-GX:port-manifests' });
    expect(denied.isError).toBeFalsy();
    expect(denied.structuredContent).toMatchObject({
      id: 'CN-GX:port-manifests',
      identifier: 'port-manifests',
      language: 'en',
      keywords: ['port', 'manifests'],
      classification: { tier: 'restricted', personalData: 'none', securityLevel: 'general', residency: 'CN-GX' },
      access: { decision: 'DENY', purpose: '' },
      distributions: [{ title: null, format: 'CSV', mediaType: null, accessUrl: null, downloadUrl: null, byteSize: null, mayOpen: false }],
      quality: { score: 230, maxScore: 405, band: 'GOOD' },
      pageUrl: `${fixture.wharf.origin}/datasets/CN-GX%3Aport-manifests`,
      notes: [],
    });
    expect((denied.structuredContent as { quality: { dimensions: unknown[] } }).quality.dimensions).toHaveLength(5);
    expect(textOf(denied)).toContain('- CSV: link withheld (you may not read this dataset)');
    expect(textOf(denied)).not.toContain('manifests.csv');

    const opened = await call(official.client, 'get_dataset', { id: 'CN-GX:port-manifests', purpose: 'statistics' });
    expect(opened.structuredContent).toMatchObject({
      access: { decision: 'CONDITIONAL', purpose: 'statistics' },
      distributions: [{ format: 'CSV', accessUrl: 'https://example.gx.gov.cn/manifests.csv', mayOpen: true }],
    });
    expect(textOf(opened)).toContain('- CSV: https://example.gx.gov.cn/manifests.csv');
  });

  it('check_access answers the decision, the deciding policies, what is missing and the obligations, for the caller and purpose', async () => {
    const denied = await call(anonymous.client, 'check_access', { id: 'CN-GX:port-manifests' });
    expect(denied.structuredContent).toEqual({
      id: 'CN-GX:port-manifests',
      title: 'Qinzhou port cargo manifests',
      decision: 'DENY',
      policies: ['cn-gx-purpose'],
      missing: [
        { kind: 'PURPOSE', anyOf: ['statistics'], reason: 'Data may be used only for the purposes it was collected for.', policy: 'cn-gx-purpose' },
        { kind: 'AUTHENTICATION', anyOf: [], reason: 'Sign in.', policy: null },
        { kind: 'ROLE', anyOf: ['customs-official'], reason: 'This dataset is restricted to consumers holding one of its reader roles.', policy: null },
      ],
      obligations: [],
      purpose: '',
    });
    expect(textOf(denied)).toContain('Missing ROLE (any of: customs-official): This dataset is restricted to consumers holding one of its reader roles.');

    const conditional = await call(official.client, 'check_access', { id: 'CN-GX:port-manifests', purpose: 'statistics' });
    expect(conditional.structuredContent).toEqual({
      id: 'CN-GX:port-manifests',
      title: 'Qinzhou port cargo manifests',
      decision: 'CONDITIONAL',
      policies: ['cn-gx-read-restricted'],
      missing: [],
      obligations: ['no-onward-transfer'],
      purpose: 'statistics',
    });
    expect(textOf(conditional)).toBe('CONDITIONAL: CN-GX:port-manifests "Qinzhou port cargo manifests" for purpose "statistics".\nDecided by: cn-gx-read-restricted.\nObligation: no-onward-transfer');
  });

  it('get_lineage answers the graph in the direction and depth asked, marking edges that cross a border', async () => {
    const result = await call(anonymous.client, 'get_lineage', { id: 'MO:trade-balance', direction: 'UPSTREAM', lang: 'en' });
    expect(result.structuredContent).toEqual({
      root: 'MO:trade-balance',
      direction: 'UPSTREAM',
      depth: 3,
      nodes: [
        { id: 'MO:trade-balance', kind: 'dataset', title: 'Macau trade balance', region: 'MO' },
        { id: 'MO:reexport-reconciliation', kind: 'dataset', title: 'Re-export trade reconciliation', region: 'MO' },
        { id: 'CN-GX:customs-exports', kind: 'dataset', title: 'Nanning Customs export statistics', region: 'CN-GX' },
      ],
      edges: [
        { upstream: 'MO:reexport-reconciliation', downstream: 'MO:trade-balance', job: 'dsec.trade.balance', depth: 1, crossBorder: false, fromJurisdiction: 'MO', toJurisdiction: 'MO', runTime: null },
        { upstream: 'CN-GX:customs-exports', downstream: 'MO:reexport-reconciliation', job: 'dsec.trade.reexport_reconciliation', depth: 2, crossBorder: true, fromJurisdiction: 'CN-GX', toJurisdiction: 'MO', runTime: null },
      ],
      crossBorderEdges: 1,
      isPartial: false,
      partialRegions: [],
      truncated: false,
      notes: [],
    });
    expect(textOf(result)).toContain(
      '- CN-GX:customs-exports "Nanning Customs export statistics" → MO:reexport-reconciliation "Re-export trade reconciliation" (job dsec.trade.reexport_reconciliation; CROSS-BORDER CN-GX → MO)',
    );
    const oneHop = (await call(anonymous.client, 'get_lineage', { id: 'MO:trade-balance', direction: 'UPSTREAM', depth: 1 })).structuredContent as { edges: unknown[] };
    expect(oneHop.edges).toHaveLength(1);
  });

  it('cross_border_flows lists flows by origin and destination', async () => {
    const result = await call(anonymous.client, 'cross_border_flows', { from: 'CN', to: 'VN', lang: 'en' });
    expect(result.structuredContent).toEqual({
      flows: [
        {
          upstream: { id: 'CN-GX:border-trade-raw', kind: 'dataset', title: 'Pingxiang border trade raw records', region: 'CN-GX' },
          downstream: { id: 'VN:lang-son-border-trade', kind: 'dataset', title: 'Lang Son border trade', region: 'VN' },
          fromJurisdiction: 'CN-GX',
          toJurisdiction: 'VN',
          job: null,
          runTime: null,
        },
      ],
      notes: [],
    });
    expect(textOf(result)).toBe(
      '1 cross-border flow(s) from CN to VN between datasets you may see.\n- CN-GX → VN: CN-GX:border-trade-raw "Pingxiang border trade raw records" → VN:lang-son-border-trade "Lang Son border trade"',
    );
    expect(((await call(anonymous.client, 'cross_border_flows', {})).structuredContent as { flows: unknown[] }).flows).toHaveLength(3);
  });

  it('list_regions answers each region’s harvest state and the datasets the caller may see', async () => {
    const result = await call(anonymous.client, 'list_regions');
    const region = (code: string, name: string, datasetCount: number) =>
      expect.objectContaining({ code, name, datasetCount, stale: false, lastError: null, lastHarvestAt: expect.any(String), lastSuccessAt: expect.any(String), harvestLagMs: expect.any(Number) });
    expect(result.structuredContent).toEqual({ regions: [region('CN-GX', 'Guangxi', 3), region('MO', 'Macao', 2), region('VN', 'Viet Nam', 2)] });
    expect(textOf(result)).toMatch(/^3 region\(s\):\n- CN-GX Guangxi: 3 dataset\(s\) you may see; harvested \d{4}-.*; quality [\d.]+\/405 \(GOOD\)\n/);
  });

  it('lists dataset resources through search, page by page, and reads a dataset page', async () => {
    const { resourceTemplates } = await anonymous.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([expect.objectContaining({ name: 'dataset', uriTemplate: 'wharf://datasets/{id}', mimeType: 'text/markdown' })]);
    const { resources, nextCursor } = await anonymous.client.listResources();
    expect(nextCursor).toBeUndefined();
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      'wharf://datasets/CN-GX:border-trade-raw',
      'wharf://datasets/CN-GX:customs-exports',
      'wharf://datasets/CN-GX:port-manifests',
      'wharf://datasets/MO:reexport-reconciliation',
      'wharf://datasets/MO:trade-balance',
      'wharf://datasets/VN:hanoi-air-quality',
      'wharf://datasets/VN:lang-son-border-trade',
    ]);
    expect(resources.find((resource) => resource.name === 'CN-GX:port-manifests')).toEqual({
      uri: 'wharf://datasets/CN-GX:port-manifests',
      name: 'CN-GX:port-manifests',
      title: 'Qinzhou port cargo manifests',
      description: 'Cargo manifests of ships calling at Qinzhou port.',
      mimeType: 'text/markdown',
    });
    const page = await official.client.readResource({ uri: 'wharf://datasets/CN-GX:port-manifests' });
    expect(page.contents.map((content) => content.mimeType)).toEqual(['text/markdown', 'application/json']);
    const markdown = (page.contents[0] as { text: string }).text;
    expect(markdown.split('\n').slice(0, 5)).toEqual(['# Qinzhou port cargo manifests', '', '`CN-GX:port-manifests` · region CN-GX · modified 2025-03-01 · themes TRAN · keywords port, manifests', '', 'Cargo manifests of ships calling at Qinzhou port.']);
    expect(markdown).toContain('## Your access\n\nCONDITIONAL for purpose "statistics".');
    expect(markdown).toContain('- CSV: https://example.gx.gov.cn/manifests.csv');
    expect(JSON.parse((page.contents[1] as { text: string }).text)).toMatchObject({ id: 'CN-GX:port-manifests', access: { decision: 'CONDITIONAL' } });
    const completion = await anonymous.client.complete({ ref: { type: 'ref/resource', uri: 'wharf://datasets/{id}' }, argument: { name: 'id', value: 'Qinz' } });
    expect(completion.completion.values).toEqual(['CN-GX:port-manifests']);
  });
});

describe('MCP over HTTP with an API key', () => {
  it('runs the tools as the key’s public-scope consumer', async () => {
    await using keyed = await connect('http', fixture.wharf, { apiKey: demoPortalApiKey });
    const result = await call(keyed.client, 'check_access', { id: 'CN-GX:port-manifests', purpose: 'statistics' });
    expect(result.structuredContent).toMatchObject({ decision: 'DENY', purpose: 'statistics' });
  });
});
