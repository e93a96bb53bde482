import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { call, connect, demoTokens, textOf, type ConnectedClient, type Transport } from './mcpClients.ts';

const hidden = 'CN-GX:border-crossings';
/** An id no region publishes: a hidden dataset must be answered exactly like it. */
const absent = 'CN-GX:no-such-dataset';
/** What only the confidential dataset carries: none of it may reach an anonymous caller through any tool, resource or error. */
const secrets = ['Youyi Pass', 'person by person', 'gx.secret', 'gx-internal', 'gx.raw.crossings', '2025-04-20', 'Secret Border Office', 'secret-licence', 'youyi-keyword', 'JUST'];

let fixture: FixtureWharf;

beforeAll(async () => {
  fixture = await startFixtureWharf();
  // Confidential: only Guangxi officials may discover it. It derives from a public dataset, and a public Vietnamese one derives from it.
  await writeFile(
    join(fixture.regions.get('CN-GX')!.folder, 'border-crossings.yaml'),
    [
      'language: en',
      'title: Youyi Pass crossing records',
      'description: Every crossing at the Youyi Pass, person by person.',
      'keywords: [youyi-keyword, crossing]',
      'themes: [JUST]',
      'publisher: { name: Secret Border Office }',
      'license: secret-licence',
      'modified: "2025-04-20"',
      'distributions:',
      '  - { format: PARQUET, accessUrl: https://gx-internal.example/crossings.parquet }',
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
  await fixture.wharf.catalogue.harvester.harvestAll();
}, 60_000);

afterAll(async () => {
  await fixture?.[Symbol.asyncDispose]();
});

describe.each(['http', 'stdio'] as Transport[])('a confidential dataset through MCP over %s', (transport) => {
  let anonymous: ConnectedClient;
  let official: ConnectedClient;

  beforeAll(async () => {
    [anonymous, official] = await Promise.all([connect(transport, fixture.wharf), connect(transport, fixture.wharf, { token: demoTokens['guangxi-official'] })]);
  }, 60_000);

  afterAll(async () => {
    await anonymous?.[Symbol.asyncDispose]();
    await official?.[Symbol.asyncDispose]();
  });

  it('is shown to a Guangxi official, so the setup is what the other tests hide', async () => {
    const found = await call(official.client, 'search_datasets', { query: 'Youyi' });
    expect((found.structuredContent as { datasets: { id: string }[] }).datasets.map((dataset) => dataset.id)).toEqual([hidden]);
    expect(textOf(await call(official.client, 'get_dataset', { id: hidden }))).toContain('Youyi Pass crossing records');
    expect(((await call(official.client, 'list_regions')).structuredContent as { regions: { code: string; datasetCount: number }[] }).regions[0]).toMatchObject({ code: 'CN-GX', datasetCount: 3 });
  });

  it('never appears to an anonymous caller through any tool, resource listing, completion or error, beyond its id as a restricted upstream', async () => {
    /** Every answer the anonymous caller got, by what was asked. */
    const answers = new Map<string, string>();
    const ask = async (name: string, args: Record<string, unknown> = {}) => {
      const result = await call(anonymous.client, name, args);
      answers.set(`${name} ${JSON.stringify(args)}`, `${textOf(result)}\n${JSON.stringify(result.structuredContent ?? null)}`);
      return result;
    };

    for (const query of ['', 'Youyi', 'crossing', 'person', 'border crossings', 'secret', 'Secret Border Office']) {
      await ask('search_datasets', { query, first: 50 });
      await ask('search_datasets', { query, regions: ['CN-GX'], first: 50 });
    }
    for (const filter of [{ themes: ['JUST'] }, { licenses: ['secret-licence'] }, { formats: ['PARQUET'] }]) {
      expect((await ask('search_datasets', filter)).structuredContent).toMatchObject({ totalCount: 0, datasets: [] });
    }
    let after: string | undefined;
    do {
      const page = await ask('search_datasets', { first: 2, ...(after ? { after } : {}) });
      after = (page.structuredContent as { nextCursor: string | null }).nextCursor ?? undefined;
    } while (after);

    // Asked for by id, it is answered word for word like an id nobody publishes.
    const notFound = async (name: string, args: Record<string, unknown>) => {
      const [ofHidden, ofAbsent] = [await ask(name, { id: hidden, ...args }), await ask(name, { id: absent, ...args })];
      expect(ofHidden.isError, name).toBe(true);
      expect(textOf(ofHidden), name).toBe(textOf(ofAbsent).replace(absent, hidden));
    };
    await notFound('get_dataset', {});
    await notFound('get_dataset', { purpose: 'immigration-control', lang: 'zh' });
    await notFound('check_access', {});
    await notFound('check_access', { purpose: 'statistics' });
    for (const direction of ['UPSTREAM', 'DOWNSTREAM', 'BOTH']) await notFound('get_lineage', { direction, depth: 5 });

    // Its declared downstream shows it by id only, and the edge only as the Vietnamese dataset declares it.
    const summary = await ask('get_lineage', { id: 'VN:crossing-summary', direction: 'BOTH', depth: 5 });
    expect(summary.structuredContent).toMatchObject({
      nodes: [
        { id: 'VN:crossing-summary', kind: 'dataset', title: 'Huu Nghi crossings, monthly', region: 'VN' },
        { id: hidden, kind: 'restricted' },
      ],
      edges: [{ upstream: hidden, downstream: 'VN:crossing-summary', job: 'vn.crossing_summary', depth: 1, crossBorder: false, fromJurisdiction: null, toJurisdiction: 'VN', runTime: null }],
      crossBorderEdges: 0,
    });
    expect((summary.structuredContent as { nodes: object[] }).nodes[1]).toEqual({ id: hidden, kind: 'restricted' });
    for (const direction of ['UPSTREAM', 'DOWNSTREAM', 'BOTH']) await ask('get_lineage', { id: 'CN-GX:border-trade-raw', direction, depth: 10 });
    for (const args of [{}, { from: 'CN' }, { from: 'CN-GX', to: 'VN' }, { to: 'VN' }, { since: '2025-04-19' }, { since: '2025-04-21' }]) await ask('cross_border_flows', args);
    expect(((await ask('list_regions')).structuredContent as { regions: { code: string; datasetCount: number }[] }).regions[0]).toMatchObject({ code: 'CN-GX', datasetCount: 2 });

    let cursor: string | undefined;
    do {
      const page = await anonymous.client.listResources(cursor ? { cursor } : {});
      answers.set(`resources/list ${cursor ?? ''}`, JSON.stringify(page));
      cursor = page.nextCursor;
    } while (cursor);
    const readError = async (id: string) => (await anonymous.client.readResource({ uri: `wharf://datasets/${id}` }).then(() => 'read', (error: Error) => error.message));
    const [hiddenRead, absentRead] = [await readError(hidden), await readError(absent)];
    expect(hiddenRead).toBe(absentRead.replace(absent, hidden));
    expect(hiddenRead).toMatch(/^MCP error -32002: No dataset "CN-GX:border-crossings" that you may see/);
    for (const value of ['Youyi', 'Youyi Pass', 'Huu']) {
      const completion = await anonymous.client.complete({ ref: { type: 'ref/resource', uri: 'wharf://datasets/{id}' }, argument: { name: 'id', value } });
      answers.set(`completion ${value}`, JSON.stringify(completion));
    }
    expect(answers.get('completion Huu')).toContain('VN:crossing-summary');

    for (const [asked, answer] of answers) {
      // A secret the caller typed may come back quoted; one it did not type may not.
      for (const secret of secrets.filter((secret) => !asked.includes(secret))) expect(answer, `${asked} shows "${secret}"`).not.toContain(secret);
      // Its id only where the caller named it, and as the restricted upstream of the dataset that declares it.
      const mayName = asked.includes(hidden) || asked.includes('"id":"VN:crossing-summary"');
      if (!mayName) expect(answer, `${asked} names the hidden dataset`).not.toContain(hidden);
    }
    expect(answers.size).toBeGreaterThan(45);
  });
});
