import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWharf, wharfBin } from './support/runWharf.ts';
import { freeLoopbackPort } from '../subgraphs/shared/listen.ts';
import { describeWithServers, postgresServer, postgresUrl } from './support/realServers.ts';

const fixture = (path: string) => fileURLToPath(new URL(`fixtures/import/${path}`, import.meta.url));
const run = runWharf;

describe('wharf import', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-cli-import-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a folder that wharf validate accepts, and reports what it took', async () => {
    const out = join(dir, 'MO');
    const imported = await run('import', '--from', 'dcat-ap', fixture('dcat-ap'), '--region', 'MO', '--out', out);
    expect(imported).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'Read 2 dcat-ap file(s): 3 dataset(s), 3 taken, 0 skipped.',
        `Wrote region MO to ${out}: 3 new or changed, 0 unchanged.`,
        '',
        'Taken, with values left out:',
        '  example-ms_catalogue.jsonld#0 (https://data.exampleMS.gov/id/dataset/1T2p3o4B): distribution 2 (https://data.exampleMS.gov/id/dataset/1T2p3o4B-dist-RDF) left out: it has no absolute access or download URL',
        '',
      ].join('\n'),
    });
    expect(await run('validate', out)).toEqual({ code: 0, stderr: '', stdout: `3 dataset(s) of region MO in ${out}: all valid.\n` });
    const again = await run('import', '--from', 'dcat-ap', fixture('dcat-ap'), '--region', 'MO', '--out', out);
    expect(again.stdout).toContain(`Wrote region MO to ${out}: 0 new or changed, 3 unchanged.`);
  });

  it('writes nothing under --strict when any dataset would be skipped', async () => {
    const out = join(dir, 'MO');
    const result = await run('import', '--from', 'ckan', fixture('ckanext-dcat/ckan'), '--region', 'MO', '--out', out, '--strict');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  ckan_dcat_ap_dataset_series.json#0 (test-dataset-series): a CKAN "dataset_series", not a dataset');
    expect(result.stderr).toContain('--strict: 1 dataset(s) would be skipped; nothing was written.');
    await expect(readdir(out)).rejects.toThrow('ENOENT');
  });

  it('fails, writing nothing, when no dataset can be taken', async () => {
    const result = await run('import', '--from', 'ckan', fixture('ckanext-dcat/ckan/ckan_dcat_ap_dataset_series.json'), '--region', 'MO', '--out', join(dir, 'MO'));
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'Read 1 ckan file(s): 1 dataset(s), 0 taken, 1 skipped.',
        'Nothing was written.',
        '',
        'Skipped:',
        '  ckan_dcat_ap_dataset_series.json#0 (test-dataset-series): a CKAN "dataset_series", not a dataset',
        '',
        `No dataset could be taken from ${fixture('ckanext-dcat/ckan/ckan_dcat_ap_dataset_series.json')}; is it ckan?`,
        '',
      ].join('\n'),
    });
    await expect(readdir(join(dir, 'MO'))).rejects.toThrow('ENOENT');
  });

  it('refuses an unknown format and a source that is not in it', async () => {
    expect(await run('import', '--from', 'csv', fixture('dcat-us'), '--region', 'MO', '--out', dir)).toMatchObject({
      code: 2,
      stderr: '--from must be one of ckan, dcat-ap, dcat-us; got "csv".\n',
    });
    expect(await run('import', '--from', 'ckan', fixture('dcat-us'), '--region', 'MO', '--out', join(dir, 'MO'))).toMatchObject({
      code: 1,
      stderr: 'catalog-sample-extended.json is not a CKAN package_show or package_search response, a package, or a list of packages.\n',
    });
  });
});

await describeWithServers([postgresServer], 'wharf import and subgraph with PostgreSQL', () => {
  const schema = `wharf_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGTERM');
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('imports into the database and serves it as a region', async () => {
    const imported = await run('import', '--from', 'dcat-us', fixture('dcat-us'), '--region', 'MO', '--out', postgresUrl, '--schema', schema);
    expect(imported.stdout).toContain(`Wrote region MO to ${postgresUrl}: 3 new or changed, 0 unchanged.`);
    expect((await run('import', '--from', 'dcat-us', fixture('dcat-us'), '--region', 'MO', '--out', postgresUrl, '--schema', schema)).stdout).toContain(': 0 new or changed, 3 unchanged.');

    const operatorToken = 'region-operator-token-for-this-test';
    const child = spawn(process.execPath, [wharfBin, 'subgraph', '--region', 'MO', '--data', postgresUrl, '--schema', schema, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WHARF_REGION_OPERATOR_TOKEN: operatorToken },
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    child.stderr!.on('data', (chunk) => (out += chunk));
    await expect.poll(() => out, { timeout: 30_000, interval: 100 }).toMatch(/datasets at (http:\/\/\S+)\/graphql/);
    expect(out).toContain(`Region MO: 3 datasets at`);
    expect(out).toContain(
      `(PostgreSQL ${postgresUrl}, schema ${schema}; no --gateway-key: no gateway can route to or harvest it; no policies: every dataset is denied; no --lineage-producers: lineage posts are refused)`,
    );
    const origin = /datasets at (http:\/\/\S+)\/graphql/.exec(out)![1]!;
    expect(await (await fetch(`${origin}/health`)).json()).toEqual({ status: 'ok', region: 'MO' });
    expect((await fetch(`${origin}/changes`)).status).toBe(401);
    const feed = await (await fetch(`${origin}/changes`, { headers: { authorization: `Bearer ${operatorToken}` } })).json();
    expect(feed.changes.map((change: { id: string }) => change.id)).toEqual(['MO:H4PZ56R2', 'MO:H4K64G12', 'MO:H49P2ZKM']);
  }, 60_000);

  it('refuses to start with the database URL, password hidden, when it cannot connect', async () => {
    const port = await freeLoopbackPort();
    const result = await run('subgraph', '--region', 'MO', '--data', `postgresql://wharf:hunter2@127.0.0.1:${port}/catalogue`, '--port', '0');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot connect to PostgreSQL at postgresql://wharf:***@127.0.0.1:${port}/catalogue: connect ECONNREFUSED`);
    expect(result.stderr).not.toContain('hunter2');
  });
});
