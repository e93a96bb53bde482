import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileStore } from '../../../subgraphs/region/store/createFileStore.ts';
import { InvalidDatasetFolderError, loadDatasetFolder } from '../../../subgraphs/region/store/loadDatasetFolder.ts';

const valid = `language: en
title: Port throughput
description: Container throughput by terminal.
distributions:
  - { format: CSV, accessUrl: https://example.org/throughput.csv }
`;

describe('loadDatasetFolder', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-validate-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reports every bad file with its file name, field and reason', async () => {
    await writeFile(join(folder, 'good.yaml'), valid);
    await writeFile(join(folder, 'no-title.yaml'), valid.replace('title: Port throughput\n', ''));
    await writeFile(join(folder, 'bad-url.yaml'), valid.replace('https://example.org/throughput.csv', 'not a url'));
    await writeFile(join(folder, 'typo.yaml'), `${valid}licence: CC-BY-4.0\n`);
    await writeFile(join(folder, 'broken.json'), '{ "language": ');
    await writeFile(join(folder, 'self.yaml'), `${valid}lineage:\n  - { upstream: "MO:self" }\n`);
    await writeFile(join(folder, 'bad-upstream.yaml'), `${valid}lineage:\n  - { upstream: "somewhere" }\n`);
    await writeFile(join(folder, 'README.md'), 'not a dataset');

    const load = await loadDatasetFolder(folder, 'MO');
    expect(load.files).toBe(7);
    expect(load.problems).toEqual([
      { file: join(folder, 'bad-upstream.yaml'), field: 'lineage.0.upstream', reason: 'must be a catalogue id such as "CN-GX:customs-imports-2024"' },
      { file: join(folder, 'bad-url.yaml'), field: 'distributions.0.accessUrl', reason: 'must be an absolute http:// or https:// URL such as "https://example.org/data.csv"' },
      { file: join(folder, 'broken.json'), field: '(file)', reason: expect.stringContaining('cannot be parsed') },
      { file: join(folder, 'no-title.yaml'), field: 'title', reason: expect.any(String) },
      { file: join(folder, 'self.yaml'), field: 'lineage.0.upstream', reason: 'a dataset cannot be derived from itself ("MO:self")' },
      { file: join(folder, 'typo.yaml'), field: '(file)', reason: expect.stringContaining('licence') },
    ]);
    expect(load.records.map((record) => record.id)).toEqual(['MO:good']);
  });

  it('rejects two files with the same identifier', async () => {
    await writeFile(join(folder, 'a.yaml'), `identifier: same\n${valid}`);
    await writeFile(join(folder, 'b.yaml'), `identifier: same\n${valid}`);
    const load = await loadDatasetFolder(folder, 'MO');
    expect(load.problems).toEqual([
      { file: join(folder, 'b.yaml'), field: 'identifier', reason: `"same" is also the identifier of ${join(folder, 'a.yaml')}` },
    ]);
  });

  it('normalises a file into a record with prefixed id, own language first and a content revision', async () => {
    await writeFile(
      join(folder, 'trade.yaml'),
      `language: zh\ntitle: { en: Trade, zh: 貿易 }\ndescription: 說明\ndistributions: []\nlineage: [{ upstream: "CN-GX:x" }]\n`,
    );
    const [record] = (await loadDatasetFolder(folder, 'MO')).records;
    expect(record).toEqual({
      id: 'MO:trade',
      region: 'MO',
      identifier: 'trade',
      revision: expect.stringMatching(/^[0-9a-f]{16}$/),
      language: 'zh',
      title: [{ lang: 'zh', value: '貿易' }, { lang: 'en', value: 'Trade' }],
      description: [{ lang: 'zh', value: '說明' }],
      keywords: [],
      themes: [],
      spatial: [],
      distributions: [],
      lineage: [{ upstream: 'CN-GX:x' }],
      access: {
        tier: 'public',
        personalData: 'none',
        securityLevel: 'general',
        residency: 'MO',
        allowedPurposes: [],
        allowedDestinations: [],
        readerRoles: [],
        obligations: [],
      },
      identifiers: [],
    });
  });
});

describe('createFileStore', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-store-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('refuses to open a folder with any invalid file and loads nothing', async () => {
    await writeFile(join(folder, 'good.yaml'), valid);
    await writeFile(join(folder, 'bad.yaml'), 'language: en\n');
    const opening = createFileStore({ region: 'MO', folder, pollIntervalMs: 0 });
    await expect(opening).rejects.toBeInstanceOf(InvalidDatasetFolderError);
    await expect(opening).rejects.toThrow(/problems? in .*nothing was loaded:\n.*bad\.yaml: title:/s);
  });

  it('keeps serving the last good state when a re-read finds an invalid file', async () => {
    await writeFile(join(folder, 'good.yaml'), valid);
    const reported: unknown[] = [];
    await using store = await createFileStore({ region: 'MO', folder, pollIntervalMs: 0, onInvalid: (problems) => reported.push(problems) });
    await writeFile(join(folder, 'good.yaml'), 'language: en\n');
    await writeFile(join(folder, 'new.yaml'), valid);
    const problems = await store.refresh();
    expect(problems.length).toBeGreaterThan(0);
    expect(reported).toHaveLength(1);
    expect(await store.count()).toBe(1);
    expect((await store.getMany(['MO:good', 'MO:new'])).map((record) => record?.title[0]?.value)).toEqual(['Port throughput', undefined]);
  });
});
