import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatImportReport, planImport, writeImportToFolder, writeImportToStore } from '../../../../subgraphs/region/import/runImport.ts';
import { createFileStore } from '../../../../subgraphs/region/store/createFileStore.ts';
import { createPostgresStore } from '../../../../subgraphs/region/store/createPostgresStore.ts';
import { loadDatasetFolder } from '../../../../subgraphs/region/store/loadDatasetFolder.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../../../support/realServers.ts';

const fixture = (path: string) => fileURLToPath(new URL(`../../../fixtures/import/${path}`, import.meta.url));

describe('planImport', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-plan-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every file of a folder and reports each dataset it skips, with the reason', async () => {
    await writeFile(
      join(dir, 'extra.json'),
      JSON.stringify([
        { name: 'unesco-data-for-zimbabwe', title: 'Duplicate', notes: 'Same name again.' },
        { name: 'no-description', title: 'No description' },
        { name: 'bad-date', title: 'Bad date', notes: 'x', resources: [{ url: 'ftp:/broken' }] },
      ]),
    );
    await writeFile(join(dir, 'unesco.json'), await readFile(fixture('hdx/unesco_dataset.json')));
    const plan = await planImport({ from: 'ckan', input: dir, region: 'MO' });
    expect(plan.files).toEqual([join(dir, 'extra.json'), join(dir, 'unesco.json')]);
    expect(plan.taken.map((dataset) => [dataset.record.id, dataset.notes])).toEqual([
      ['MO:unesco-data-for-zimbabwe', []],
      ['MO:bad-date', ['distribution 1 left out: its access URL "ftp:/broken" is not an http(s) URL']],
    ]);
    expect(plan.skipped).toEqual([
      { source: 'extra.json#1 (no-description)', reason: 'description: missing' },
      { source: 'unesco.json#0 (unesco-data-for-zimbabwe)', reason: 'its identifier "unesco-data-for-zimbabwe" is already taken by extra.json#0 (unesco-data-for-zimbabwe)' },
    ]);
    expect(formatImportReport(plan, { target: '/srv/macao', changed: 2, unchanged: 0 })).toBe(
      [
        'Read 2 ckan file(s): 4 dataset(s), 2 taken, 2 skipped.',
        'Wrote region MO to /srv/macao: 2 new or changed, 0 unchanged.',
        '',
        'Skipped:',
        '  extra.json#1 (no-description): description: missing',
        '  unesco.json#0 (unesco-data-for-zimbabwe): its identifier "unesco-data-for-zimbabwe" is already taken by extra.json#0 (unesco-data-for-zimbabwe)',
        '',
        'Taken, with values left out:',
        '  extra.json#2 (bad-date): distribution 1 left out: its access URL "ftp:/broken" is not an http(s) URL',
      ].join('\n'),
    );
  });

  it('fails whole on a file it cannot parse, naming it', async () => {
    await writeFile(join(dir, 'a.json'), '{"name": "a", "title": "A", "notes": "ok"}');
    await writeFile(join(dir, 'b.json'), '{ not json');
    await expect(planImport({ from: 'ckan', input: dir, region: 'MO' })).rejects.toThrow(`${join(dir, 'b.json')} cannot be parsed:`);
    await expect(planImport({ from: 'ckan', input: join(dir, 'missing'), region: 'MO' })).rejects.toThrow(`${join(dir, 'missing')} does not exist`);
    await expect(planImport({ from: 'ckan', input: dir, region: 'Macao' })).rejects.toThrow('"Macao" is not a region code');
  });
});

describe('writeImportToFolder', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes dataset files a region loads as the same records', async () => {
    const plan = await planImport({ from: 'dcat-us', input: fixture('dcat-us'), region: 'MO' });
    const out = join(dir, 'macao');
    expect(await writeImportToFolder(plan, out)).toEqual({ target: out, changed: 3, unchanged: 0 });
    expect((await readdir(out)).sort()).toEqual(['H49P2ZKM.yaml', 'H4K64G12.yaml', 'H4PZ56R2.yaml']);
    const load = await loadDatasetFolder(out, 'MO');
    expect(load.problems).toEqual([]);
    expect(load.records.toSorted((a, b) => a.id.localeCompare(b.id))).toEqual(plan.taken.map((dataset) => dataset.record).toSorted((a, b) => a.id.localeCompare(b.id)));
  });

  it('adds no change to the feed when the same source is imported again', async () => {
    const out = join(dir, 'macao');
    await writeImportToFolder(await planImport({ from: 'ckan', input: fixture('hdx'), region: 'MO' }), out);
    await using store = await createFileStore({ region: 'MO', folder: out, pollIntervalMs: 0 });
    const { cursor } = await store.changes(undefined, 100);
    const mtimes = await Promise.all((await readdir(out)).map(async (name) => (await stat(join(out, name))).mtimeMs));

    expect(await writeImportToFolder(await planImport({ from: 'ckan', input: fixture('hdx'), region: 'MO' }), out)).toEqual({ target: out, changed: 0, unchanged: 11 });
    expect(await Promise.all((await readdir(out)).map(async (name) => (await stat(join(out, name))).mtimeMs))).toEqual(mtimes);
    expect(await store.changes(cursor, 100)).toMatchObject({ reset: false, changes: [] });
  });

  it('keeps the folder’s other files, and a dataset’s own JSON file as JSON', async () => {
    const out = join(dir, 'macao');
    await mkdir(out);
    await writeFile(join(out, 'own.yaml'), 'language: en\ntitle: Own\ndescription: Written by hand.\n');
    await writeFile(join(out, 'H4PZ56R2.json'), '{"language": "en", "title": "Old", "description": "Old."}');
    await writeImportToFolder(await planImport({ from: 'dcat-us', input: fixture('dcat-us'), region: 'MO' }), out);
    expect((await readdir(out)).sort()).toEqual(['H49P2ZKM.yaml', 'H4K64G12.yaml', 'H4PZ56R2.json', 'own.yaml']);
    expect(JSON.parse(await readFile(join(out, 'H4PZ56R2.json'), 'utf8')).title).toBe('U.S. Widget Manufacturing Statistics');
    expect((await loadDatasetFolder(out, 'MO')).records.map((record) => record.id)).toEqual(['MO:H49P2ZKM', 'MO:H4K64G12', 'MO:H4PZ56R2', 'MO:own']);
  });

  it('writes nothing when one target cannot be written', async () => {
    const out = join(dir, 'macao');
    await mkdir(join(out, 'H4K64G12.yaml'), { recursive: true });
    await writeFile(join(out, 'H49P2ZKM.yaml'), 'language: en\ntitle: Before\ndescription: Before.\n');
    const plan = await planImport({ from: 'dcat-us', input: fixture('dcat-us'), region: 'MO' });
    await expect(writeImportToFolder(plan, out)).rejects.toThrow(`${join(out, 'H4K64G12.yaml')} exists and is not a file; nothing was written.`);
    expect((await readdir(out)).sort()).toEqual(['H49P2ZKM.yaml', 'H4K64G12.yaml']);
    expect(await readFile(join(out, 'H49P2ZKM.yaml'), 'utf8')).toBe('language: en\ntitle: Before\ndescription: Before.\n');
  });
});

await describeWithServers([postgresServer], 'writeImportToStore (PostgreSQL)', () => {
  const schema = `wharf_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  afterEach(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('upserts every dataset in one transaction, and nothing new when imported again', async () => {
    await using store = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    const plan = await planImport({ from: 'dcat-ap', input: fixture('dcat-ap'), region: 'MO' });
    expect(await writeImportToStore(plan, store)).toEqual({ target: postgresUrl, changed: 3, unchanged: 0 });
    const { cursor, changes } = await store.changes(undefined, 100);
    expect(changes.map((change) => change.id)).toEqual(['MO:BeePopulation2022', 'MO:BeePopulation2023', 'MO:1T2p3o4B']);
    expect(await store.getMany(['MO:1T2p3o4B'])).toEqual([plan.taken[2]!.record]);

    expect(await writeImportToStore(await planImport({ from: 'dcat-ap', input: fixture('dcat-ap'), region: 'MO' }), store)).toEqual({ target: postgresUrl, changed: 0, unchanged: 3 });
    expect(await store.changes(cursor, 100)).toMatchObject({ reset: false, hasMore: false, changes: [] });
  });
});
