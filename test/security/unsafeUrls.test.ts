import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetFileSchema } from '../../schema/datasetFile.ts';
import { toDatasetRecord, UnsafeUrlError } from '../../schema/datasetRecord.ts';
import { renderDatasetPage, type DatasetPageOptions } from '../../gateway/portal/datasetPage.ts';
import { pageMessagesFor } from '../../gateway/portal/pageMessages.ts';
import { safeHref } from '../../gateway/portal/snippetNodes.ts';
import { formatImportReport, planImport } from '../../subgraphs/region/import/runImport.ts';
import { createPostgresStore } from '../../subgraphs/region/store/createPostgresStore.ts';
import { describeWithServers, postgresServer, postgresUrl } from '../support/realServers.ts';

/** Links a hostile catalogue would plant: script, inline documents, local files. */
const hostile = {
  script: 'javascript:alert(document.cookie)',
  scriptWithTab: 'java\tscript:alert(1)',
  inline: 'data:text/html,<script>alert(1)</script>',
  file: 'file:///etc/passwd',
  vbscript: 'vbscript:msgbox(1)',
};

const validFile = {
  language: 'en',
  title: 'Trade balance',
  description: 'Monthly trade balance.',
  distributions: [{ format: 'CSV', accessUrl: 'https://data.example.mo/trade.csv' }],
};

describe('dataset file URLs', () => {
  it('refuses javascript:, data:, file: and vbscript: links in every URL field, naming each field', () => {
    const parsed = datasetFileSchema.safeParse({
      ...validFile,
      publisher: { name: 'DSEC', url: hostile.script },
      contactPoint: { name: 'Desk', url: hostile.inline },
      license: hostile.file,
      rights: hostile.vbscript,
      landingPage: hostile.scriptWithTab,
      distributions: [{ accessUrl: hostile.file, downloadUrl: hostile.inline }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['publisher.url', 'must be an absolute http:// or https:// URL such as "https://example.org/data.csv"'],
      ['contactPoint.url', 'must be an absolute http:// or https:// URL, or a mailto: URL'],
      ['license', 'must be text or an http:// or https:// URL; it reads as a file: URL'],
      ['rights', 'must be text or an http:// or https:// URL; it reads as a vbscript: URL'],
      ['landingPage', 'must be an absolute http:// or https:// URL such as "https://example.org/data.csv"'],
      ['distributions.0.accessUrl', 'must be an absolute http:// or https:// URL such as "https://example.org/data.csv"'],
      ['distributions.0.downloadUrl', 'must be an absolute http:// or https:// URL such as "https://example.org/data.csv"'],
    ]);
  });

  it('takes http(s) links, a mailto: contact, and a licence or rights given as text', () => {
    const parsed = datasetFileSchema.safeParse({
      ...validFile,
      publisher: { name: 'DSEC', url: 'https://www.dsec.gov.mo/' },
      contactPoint: { name: 'Desk', email: 'info@dsec.gov.mo', url: 'mailto:info@dsec.gov.mo' },
      license: 'CC-BY-4.0',
      rights: 'Copyright: DSEC, cite as the source.',
      landingPage: 'http://www.dsec.gov.mo/trade',
    });
    expect(parsed.success).toBe(true);
  });
});

describe('importing hostile URLs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-unsafe-urls-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves every non-http(s) URL of a CKAN package out, and says so in the import report', async () => {
    await writeFile(
      join(dir, 'ckan.json'),
      JSON.stringify({
        name: 'passwd',
        title: 'Passwords',
        notes: 'Not a dataset.',
        url: hostile.script,
        license_url: hostile.file,
        publisher: [{ name: 'Hostile', url: hostile.inline }],
        contact: [{ name: 'Desk', url: hostile.vbscript }],
        resources: [
          { name: 'passwd', url: hostile.file },
          { name: 'mixed', url: hostile.script, download_url: 'https://data.example.org/ok.csv' },
        ],
      }),
    );
    const plan = await planImport({ from: 'ckan', input: dir, region: 'MO' });
    expect(plan.skipped).toEqual([]);
    expect(plan.taken.map((dataset) => dataset.file)).toEqual([
      {
        language: 'en',
        title: 'Passwords',
        description: 'Not a dataset.',
        publisher: { name: 'Hostile' },
        contactPoint: { name: 'Desk' },
        distributions: [{ title: 'mixed', accessUrl: 'https://data.example.org/ok.csv', downloadUrl: 'https://data.example.org/ok.csv' }],
      },
    ]);
    expect(formatImportReport(plan, undefined).split('\n')).toEqual([
      'Read 1 ckan file(s): 1 dataset(s), 1 taken, 0 skipped.',
      'Nothing was written.',
      '',
      'Taken, with values left out:',
      '  ckan.json#0 (passwd): publisher URL "data:text/html,<script>alert(1)</script>" left out: not an http(s) URL',
      '  ckan.json#0 (passwd): contact URL "vbscript:msgbox(1)" left out: not an http(s) or mailto: URL',
      '  ckan.json#0 (passwd): licence URL "file:///etc/passwd" left out: not an http(s) URL',
      '  ckan.json#0 (passwd): distribution 1 ("passwd") left out: its access URL "file:///etc/passwd" is not an http(s) URL',
      '  ckan.json#0 (passwd): distribution 2 ("mixed"): access URL "javascript:alert(document.cookie)" left out: not an http(s) URL',
      '  ckan.json#0 (passwd): landing page "javascript:alert(document.cookie)" left out: not an http(s) URL',
    ]);
  });

  it('leaves file: and javascript: URLs of DCAT-US and DCAT-AP out, with their reasons', async () => {
    await writeFile(
      join(dir, 'data.json'),
      JSON.stringify({
        dataset: [
          {
            identifier: 'passwd',
            title: 'Passwords',
            description: 'Not a dataset.',
            license: hostile.script,
            landingPage: hostile.file,
            distribution: [{ accessURL: hostile.file }],
          },
        ],
      }),
    );
    const us = await planImport({ from: 'dcat-us', input: join(dir, 'data.json'), region: 'MO' });
    expect(us.taken.map((dataset) => [dataset.file, dataset.notes])).toEqual([
      [
        { language: 'en', title: 'Passwords', description: 'Not a dataset.' },
        [
          'distribution 1 left out: its access URL "file:///etc/passwd" is not an http(s) URL',
          'licence "javascript:alert(document.cookie)" left out: it reads as a javascript: URL, not as text or an http(s) URL',
          'landing page "file:///etc/passwd" left out: not an http(s) URL',
        ],
      ],
    ]);

    await writeFile(
      join(dir, 'catalogue.jsonld'),
      JSON.stringify({
        '@context': { dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/' },
        '@id': 'https://data.example.org/dataset/passwd',
        '@type': 'dcat:Dataset',
        'dct:title': 'Passwords',
        'dct:description': 'Not a dataset.',
        'dcat:landingPage': { '@id': hostile.script },
        'dcat:distribution': { '@type': 'dcat:Distribution', 'dcat:accessURL': { '@id': hostile.file }, 'dcat:downloadURL': { '@id': hostile.inline } },
      }),
    );
    const ap = await planImport({ from: 'dcat-ap', input: join(dir, 'catalogue.jsonld'), region: 'MO' });
    expect(ap.taken.map((dataset) => [dataset.file, dataset.notes])).toEqual([
      [
        { language: 'en', title: 'Passwords', description: 'Not a dataset.' },
        [
          'distribution 1 left out: its access URL "file:///etc/passwd" and its download URL "data:text/html,<script>alert(1)</script>" are not http(s) URLs',
          'landing page "javascript:alert(document.cookie)" left out: not an http(s) URL',
        ],
      ],
    ]);
  });
});

await describeWithServers([postgresServer], 'PostgreSQL store with hostile URLs', () => {
  const schema = `wharf_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('refuses a batch with a javascript: link, naming the dataset and field, and writes nothing of it', async () => {
    await using store = await createPostgresStore({ region: 'MO', url: postgresUrl, schema });
    const good = toDatasetRecord(datasetFileSchema.parse(validFile), 'MO', 'good');
    const bad = { ...toDatasetRecord(datasetFileSchema.parse(validFile), 'MO', 'bad'), landingPage: hostile.script };
    bad.distributions = [{ accessUrl: hostile.file }];
    const refused = store.upsertMany([good, bad]);
    await expect(refused).rejects.toThrow(UnsafeUrlError);
    await expect(refused).rejects.toThrow(
      'Store of region MO refused "MO:bad" distributions.0.accessUrl "file:///etc/passwd", "MO:bad" landingPage "javascript:alert(document.cookie)": ' +
        'links must be http:// or https:// URLs (a contact may be mailto:); nothing of this write was kept.',
    );
    expect(await store.count()).toBe(0);
  });
});

describe('dataset page fed by a hostile region', () => {
  // What a region's change feed can carry: it never passed file validation.
  const dataset: DatasetPageOptions['data']['dataset'] = {
    id: 'MO:trade-balance',
    region: 'MO',
    identifier: 'trade-balance',
    title: 'Trade balance',
    description: 'Monthly trade balance.',
    titleTranslations: [],
    descriptionTranslations: [],
    language: 'en',
    keywords: [],
    themes: [],
    publisher: { name: 'Hostile', url: hostile.script },
    contactPoint: { name: 'Desk', email: 'x@example.org?body=hi', url: hostile.inline },
    license: hostile.file,
    spatial: [],
    temporal: null,
    accrualPeriodicity: null,
    landingPage: hostile.scriptWithTab,
    issued: null,
    modified: null,
    classification: { tier: 'public', personalData: 'none', securityLevel: 'general', residency: 'MO' },
    distributions: [
      { title: 'passwd', description: null, format: 'CSV', mediaType: null, accessUrl: hostile.file, downloadUrl: null, byteSize: null },
      { title: 'mixed', description: null, format: 'CSV', mediaType: null, accessUrl: 'https://data.example.mo/ok.csv', downloadUrl: hostile.vbscript, byteSize: null },
    ],
    access: { decision: 'ALLOW', policies: [], missing: [], obligations: [], purpose: '' },
  };
  const page = renderDatasetPage({
    data: { dataset, regions: [], upstream: null, downstream: null },
    errors: [],
    strings: pageMessagesFor('en'),
    consumer: undefined,
    pageUrl: 'https://wharf.example/datasets/MO%3Atrade-balance',
    catalogueUrl: 'https://wharf.example/',
    backHref: '/?lang=en',
    searchHref: (param, value) => `/?${param}=${value}`,
    languageHref: (lang) => `?lang=${lang}`,
    datasetHref: (id) => `/datasets/${encodeURIComponent(id)}`,
  }).value;

  it('links only http(s) URLs and shows every other one as text', () => {
    const links = [...page.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]!);
    expect(links.filter((href) => !href.startsWith('/') && !href.startsWith('?'))).toEqual(['https://data.example.mo/ok.csv']);
    expect(page).toContain('<dd>Hostile javascript:alert(document.cookie)</dd>');
    expect(page).toContain('<dd>file:///etc/passwd</dd>');
    expect(page).toContain('<td>file:///etc/passwd </td>');
    expect(page).toContain('<dd>Desk x@example.org?body=hi data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</dd>');
  });

  it('hands search engines no URL that is not http(s)', () => {
    const jsonLd = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page)![1]!) as Record<string, unknown>;
    expect([jsonLd.license, jsonLd.sameAs, jsonLd.publisher, jsonLd.distribution]).toEqual([
      undefined,
      undefined,
      { '@type': 'Organization', name: 'Hostile' },
      [{ '@type': 'DataDownload', name: 'mixed', encodingFormat: 'CSV', contentUrl: 'https://data.example.mo/ok.csv' }],
    ]);
  });
});

describe('<wharf-search> links', () => {
  it('makes an href only of an http(s) URL, whatever the dataset-url attribute says', () => {
    const base = 'https://portal.example/catalogue/';
    expect(['/datasets/MO%3Ax', 'https://wharf.example/datasets/MO%3Ax', hostile.script, hostile.scriptWithTab, hostile.inline, hostile.file, ' javascript:alert(1)'].map((url) => safeHref(url, base))).toEqual([
      'https://portal.example/datasets/MO%3Ax',
      'https://wharf.example/datasets/MO%3Ax',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
