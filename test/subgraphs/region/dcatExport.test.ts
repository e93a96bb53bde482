import { fixtureGatewayKeys } from '../../support/fixtureRegions.ts';
import { signedRegionFetch } from '../../support/signedRegionFetch.ts';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFileSchema } from '../../../schema/datasetFile.ts';
import { toDatasetRecord, type DatasetRecord } from '../../../schema/datasetRecord.ts';
import { dcatCatalogueChunks, dcatCatalogueNode } from '../../../subgraphs/region/dcat/dcatCatalogueChunks.ts';
import { dcatContext, dcatDatasetDocument, toDcatDataset, typedDate } from '../../../subgraphs/region/dcat/toDcatDataset.ts';
import { serveRegion, type RegionServer } from '../../../subgraphs/region/serveRegion.ts';
import { createFileStore, type FileStore } from '../../../subgraphs/region/store/createFileStore.ts';
import { loadDatasetFolder } from '../../../subgraphs/region/store/loadDatasetFolder.ts';
import { loadRegionPolicies } from '../../../subgraphs/shared/access/loadRegionPolicies.ts';
import type { DatasetStore } from '../../../subgraphs/region/store/DatasetStore.ts';
import { fixtureRegionCodes, fixtureRegionsDir } from '../../support/fixtureRegions.ts';
import { validateDcatAp } from '../../support/validateDcat.ts';

const demoDir = fileURLToPath(new URL('../../../subgraphs/demo/', import.meta.url));
const base = 'https://data.example.mo';
const dct = 'http://purl.org/dc/terms/';
const dcat = 'http://www.w3.org/ns/dcat#';

const macaoTrade = toDatasetRecord(
  datasetFileSchema.parse({
    language: 'zh',
    title: { zh: '對外商品貿易', pt: 'Comércio externo', en: 'External trade' },
    description: { zh: '每月數據。', en: 'Monthly figures.' },
    keywords: ['trade', '貿易'],
    themes: ['ECON', 'XYZ'],
    publisher: { name: 'DSEC', url: 'https://www.dsec.gov.mo' },
    contactPoint: { name: 'DSEC information desk', email: 'info@dsec.gov.mo' },
    license: 'https://creativecommons.org/licenses/by/4.0/',
    rights: 'Cite DSEC as the source.',
    spatial: ['MO', 'CN-GX', '珠江口'],
    temporal: { start: '2015-01', end: '2024' },
    accrualPeriodicity: 'MONTHLY',
    landingPage: 'https://www.dsec.gov.mo/trade',
    issued: '2015-02-01',
    modified: '2025-02-14T09:30+0800',
    distributions: [
      { title: '月度數據', format: 'CSV', mediaType: 'text/csv', accessUrl: 'https://www.dsec.gov.mo/trade', downloadUrl: 'https://www.dsec.gov.mo/trade.csv', byteSize: 482113 },
      { format: 'API', mediaType: 'application/json', accessUrl: 'https://api.data.gov.mo/trade' },
    ],
    access: { tier: 'restricted', readerRoles: ['statistician'] },
  }),
  'MO',
  'external-trade',
);

describe('toDcatDataset', () => {
  it('maps every field of a record to DCAT-AP 3 with language tags, EU vocabularies and typed dates', () => {
    const iri = `${base}/dcat/MO:external-trade`;
    const license = { '@id': 'http://publications.europa.eu/resource/authority/licence/CC_BY_4_0', '@type': 'dct:LicenseDocument' };
    const rights = { '@type': 'dct:RightsStatement', 'rdfs:label': 'Cite DSEC as the source.' };
    expect(dcatDatasetDocument(macaoTrade, { baseIri: base })).toEqual({
      '@context': dcatContext,
      '@id': iri,
      '@type': 'dcat:Dataset',
      'dct:identifier': 'external-trade',
      'dct:title': [
        { '@value': '對外商品貿易', '@language': 'zh' },
        { '@value': 'Comércio externo', '@language': 'pt' },
        { '@value': 'External trade', '@language': 'en' },
      ],
      'dct:description': [
        { '@value': '每月數據。', '@language': 'zh' },
        { '@value': 'Monthly figures.', '@language': 'en' },
      ],
      'dcat:keyword': ['trade', '貿易'],
      // XYZ is no EU data theme: it is not exported.
      'dcat:theme': [
        { '@id': 'http://publications.europa.eu/resource/authority/data-theme/ECON', '@type': 'skos:Concept', 'skos:prefLabel': { '@value': 'Economy and finance', '@language': 'en' } },
      ],
      'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': 'DSEC', 'foaf:homepage': { '@id': 'https://www.dsec.gov.mo' } },
      'dcat:contactPoint': { '@type': 'vcard:Kind', 'vcard:fn': 'DSEC information desk', 'vcard:hasEmail': { '@id': 'mailto:info@dsec.gov.mo' } },
      'dct:spatial': [
        { '@id': 'http://publications.europa.eu/resource/authority/country/MAC', '@type': 'dct:Location' },
        { '@type': 'dct:Location', 'dct:identifier': 'CN-GX' },
        { '@type': 'dct:Location', 'skos:prefLabel': { '@value': '珠江口', '@language': 'zh' } },
      ],
      'dct:temporal': {
        '@type': 'dct:PeriodOfTime',
        'dcat:startDate': { '@value': '2015-01', '@type': 'xsd:gYearMonth' },
        'dcat:endDate': { '@value': '2024', '@type': 'xsd:gYear' },
      },
      'dct:accrualPeriodicity': { '@id': 'http://publications.europa.eu/resource/authority/frequency/MONTHLY', '@type': 'dct:Frequency' },
      'dcat:landingPage': { '@id': 'https://www.dsec.gov.mo/trade', '@type': 'foaf:Document' },
      'dct:language': { '@id': 'http://publications.europa.eu/resource/authority/language/ZHO', '@type': 'dct:LinguisticSystem' },
      'dct:issued': { '@value': '2015-02-01', '@type': 'xsd:date' },
      'dct:modified': { '@value': '2025-02-14T09:30:00+08:00', '@type': 'xsd:dateTime' },
      'dct:accessRights': { '@id': 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED', '@type': 'dct:RightsStatement' },
      'dcat:distribution': [
        {
          '@id': `${iri}#distribution-1`,
          '@type': 'dcat:Distribution',
          'dct:title': { '@value': '月度數據', '@language': 'zh' },
          'dcat:accessURL': { '@id': 'https://www.dsec.gov.mo/trade' },
          'dcat:downloadURL': { '@id': 'https://www.dsec.gov.mo/trade.csv' },
          'dct:format': { '@id': 'http://publications.europa.eu/resource/authority/file-type/CSV', '@type': 'dct:MediaTypeOrExtent' },
          'dcat:mediaType': { '@id': 'https://www.iana.org/assignments/media-types/text/csv', '@type': 'dct:MediaType' },
          'dcat:byteSize': { '@value': '482113', '@type': 'xsd:nonNegativeInteger' },
          'dct:license': license,
          'dct:rights': rights,
        },
        {
          '@id': `${iri}#distribution-2`,
          '@type': 'dcat:Distribution',
          'dcat:accessURL': { '@id': 'https://api.data.gov.mo/trade' },
          'dct:format': { '@type': 'dct:MediaTypeOrExtent', 'rdfs:label': 'API' },
          'dcat:mediaType': { '@id': 'https://www.iana.org/assignments/media-types/application/json', '@type': 'dct:MediaType' },
          'dct:license': license,
          'dct:rights': rights,
        },
      ],
    });
  });

  it('leaves the distributions out for a consumer who may not read', () => {
    const node = toDcatDataset(macaoTrade, { baseIri: base, readAllowed: false });
    expect(node['dcat:distribution']).toBeUndefined();
    expect(node['dct:title']).toHaveLength(3);
  });

  it('types dates, months, years and date-times as XSD does', () => {
    expect(['2024', '2024-05', '2024-05-01', '2024-05-01T08:00Z', '2024-05-01T08:00:30.5+08:00'].map(typedDate)).toEqual([
      { '@value': '2024', '@type': 'xsd:gYear' },
      { '@value': '2024-05', '@type': 'xsd:gYearMonth' },
      { '@value': '2024-05-01', '@type': 'xsd:date' },
      { '@value': '2024-05-01T08:00:00Z', '@type': 'xsd:dateTime' },
      { '@value': '2024-05-01T08:00:30.5+08:00', '@type': 'xsd:dateTime' },
    ]);
  });
});

/** A region's whole catalogue as one document, built in-process. */
const catalogueOf = (region: string, records: readonly DatasetRecord[]) => ({
  '@context': dcatContext,
  ...dcatCatalogueNode(region, { baseIri: base, name: region }),
  'dcat:dataset': records.map((record) => toDcatDataset(record, { baseIri: base })),
});

describe('DCAT-AP export against the DCAT-AP 3.0.1 SHACL shapes', () => {
  it('has no violation for a dataset using every field', async () => {
    const result = await validateDcatAp(dcatDatasetDocument(macaoTrade, { baseIri: base }));
    expect(result.violations).toEqual([]);
    expect(result.quads).toBeGreaterThan(60);
  });

  it('reports a violation for a dataset without a title and a distribution without an access URL', async () => {
    const { 'dct:title': _title, ...untitled } = dcatDatasetDocument(macaoTrade, { baseIri: base });
    const distributions = untitled['dcat:distribution'] as Record<string, unknown>[];
    const { 'dcat:accessURL': _accessUrl, ...noAccess } = distributions[1]!;
    const result = await validateDcatAp({ ...untitled, 'dcat:distribution': [distributions[0], noAccess] });
    expect(result.violations.map(({ focusNode, path, message }) => ({ focusNode, path, message })).sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { focusNode: `${base}/dcat/MO:external-trade`, path: `${dct}title`, message: 'Less than 1 values' },
      { focusNode: `${base}/dcat/MO:external-trade#distribution-2`, path: `${dcat}accessURL`, message: 'Less than 1 values' },
    ]);
  });

  it('reports a violation for a publisher that is not a foaf:Agent', async () => {
    const document = { ...dcatDatasetDocument(macaoTrade, { baseIri: base }), 'dct:publisher': { '@id': 'https://www.dsec.gov.mo' } };
    const result = await validateDcatAp(document);
    expect(result.violations.length).toBeGreaterThan(0);
    expect(new Set(result.violations.map((violation) => violation.path))).toEqual(new Set([`${dct}publisher`]));
  });

  it.each(fixtureRegionCodes)('has no violation for the %s fixture region', async (region) => {
    const { records } = await loadDatasetFolder(join(fixtureRegionsDir, region), region);
    expect((await validateDcatAp(catalogueOf(region, records))).violations).toEqual([]);
  });

  it.each(['CN-GX', 'MO', 'VN', 'MY'])('has no violation for the whole %s demo catalogue', async (region) => {
    const { records } = await loadDatasetFolder(join(demoDir, region), region);
    const result = await validateDcatAp(catalogueOf(region, records));
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([]);
  }, 120_000);
});

describe('GET /dcat', () => {
  let folder: string;
  let store: FileStore;
  let server: RegionServer;
  const dataset = (title: string, extra = '') =>
    `language: en\ntitle: ${title}\ndescription: About ${title}.\nthemes: [ECON]\ndistributions:\n  - { format: CSV, accessUrl: "https://example.gx.gov.cn/${title}.csv" }\n${extra}`;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'wharf-dcat-'));
    await cp(join(fixtureRegionsDir, 'CN-GX', 'policies'), join(folder, 'policies'), { recursive: true });
    await writeFile(join(folder, 'open.yaml'), dataset('open'));
    await writeFile(join(folder, 'restricted.yaml'), dataset('restricted', 'access: { tier: restricted, readerRoles: [customs-officer] }\n'));
    await writeFile(join(folder, 'confidential.yaml'), dataset('confidential', 'access: { tier: confidential }\n'));
    store = await createFileStore({ region: 'CN-GX', folder, pollIntervalMs: 0 });
    server = await serveRegion({ store, policies: await loadRegionPolicies('CN-GX', folder), name: 'Guangxi', gatewayPublicKey: fixtureGatewayKeys.publicKey });
  });
  afterAll(async () => {
    await server[Symbol.asyncDispose]();
    await store[Symbol.asyncDispose]();
    await rm(folder, { recursive: true, force: true });
  });

  it('streams the whole catalogue as DCAT-AP JSON-LD: hidden datasets left out, unreadable ones without distributions', async () => {
    const response = await fetch(`${server.origin}/dcat`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    const catalogue = (await response.json()) as Record<string, any>;
    expect(catalogue).toMatchObject({
      '@id': `${server.origin}/dcat`,
      '@type': 'dcat:Catalog',
      'dct:title': { '@value': 'Guangxi (Wharf region CN-GX)', '@language': 'en' },
      'dct:publisher': { '@type': 'foaf:Agent', 'foaf:name': 'Guangxi' },
    });
    const datasets = catalogue['dcat:dataset'] as Record<string, any>[];
    expect(datasets.map((node) => [node['@id'], node['dcat:distribution']?.length ?? 0])).toEqual([
      [`${server.origin}/dcat/CN-GX:open`, 1],
      [`${server.origin}/dcat/CN-GX:restricted`, 0],
    ]);
    expect((await validateDcatAp(catalogue)).violations).toEqual([]);
  });

  it('answers one dataset by catalogue id or by the region\'s identifier', async () => {
    const byId = await fetch(`${server.origin}/dcat/CN-GX:open`);
    expect(byId.status).toBe(200);
    const document = await byId.json();
    expect(document).toEqual(dcatDatasetDocument((await store.getMany(['CN-GX:open']))[0]!, { baseIri: server.origin }));
    expect(await (await fetch(`${server.origin}/dcat/open`)).json()).toEqual(document);
    expect(await (await fetch(`${server.origin}/dcat/CN-GX%3Aopen`)).json()).toEqual(document);
  });

  it('answers 404 alike for a dataset that does not exist and one the consumer may not discover, and 405 for other methods', async () => {
    const missing = await fetch(`${server.origin}/dcat/nothing`);
    const hidden = await fetch(`${server.origin}/dcat/confidential`);
    expect([missing.status, hidden.status]).toEqual([404, 404]);
    expect(await hidden.json()).toEqual({ error: 'Region CN-GX has no dataset "CN-GX:confidential" you may see; GET /dcat lists every one.' });
    expect((await fetch(`${server.origin}/dcat`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a request signature it cannot verify with 401, changing nothing', async () => {
    const response = await fetch(`${server.origin}/dcat`, { headers: { 'x-wharf-request': 'forged' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Region CN-GX refused the request signature: The request signature is not "<claims>.<signature>".' });
  });

  it('serves Dataset.dcat over GraphQL, by the same policies', async () => {
    const response = await signedRegionFetch(server, '/graphql', {
      body: JSON.stringify({
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Dataset { id dcat quality { score band } } } }',
        variables: { r: [{ __typename: 'Dataset', id: 'CN-GX:open' }, { __typename: 'Dataset', id: 'CN-GX:restricted' }] },
      }),
    });
    const body = (await response.json()) as { data: { _entities: { id: string; dcat: string; quality: unknown }[] } };
    const [open, restricted] = body.data._entities;
    expect(JSON.parse(open!.dcat)).toEqual(dcatDatasetDocument((await store.getMany(['CN-GX:open']))[0]!, { baseIri: server.origin }));
    expect(JSON.parse(restricted!.dcat)['dcat:distribution']).toBeUndefined();
    // Themes 30, access URL 50, interoperability 100 (a CSV without media type), access rights 15.
    expect(open!.quality).toEqual({ score: 195, band: 'SUFFICIENT' });
  });
});

describe('GET /dcat on the Singapore demo region', () => {
  it('streams all 3,397 datasets as one catalogue with no violation', async () => {
    const store = await createFileStore({ region: 'SG', folder: join(demoDir, 'SG'), pollIntervalMs: 0 });
    const server = await serveRegion({ store, policies: await loadRegionPolicies('SG', join(demoDir, 'SG')), name: 'Singapore' });
    try {
      const catalogue = (await (await fetch(`${server.origin}/dcat`)).json()) as Record<string, unknown[]>;
      expect(catalogue['dcat:dataset']).toHaveLength(3397);
      const result = await validateDcatAp(catalogue);
      expect(result.violations).toEqual([]);
      expect(result.warnings).toEqual([]);
    } finally {
      await server[Symbol.asyncDispose]();
      await store[Symbol.asyncDispose]();
    }
  }, 300_000);
});

describe('GET /dcat when the reader goes away', () => {
  it('stops reading the store instead of exporting to nobody, and keeps serving', async () => {
    const pages = 40;
    let pagesRead = 0;
    const template = toDatasetRecord(datasetFileSchema.parse({ language: 'en', title: 'Dataset', description: 'x'.repeat(800) }), 'SG', 'd');
    const record = (n: number): DatasetRecord => ({ ...template, id: `SG:d${n}`, identifier: `d${n}`, revision: `r${n}` });
    // A store of 40 full pages of datasets, counting the pages the export asks for.
    const store: DatasetStore = {
      region: 'SG',
      getMany: async (ids) => ids.map(() => undefined),
      count: async () => pages * 5000,
      async changes(since, limit) {
        const page = since ? Number(since) : 0;
        pagesRead += 1;
        const changes = Array.from({ length: limit }, (_, i) => {
          const dataset = record(page * limit + i);
          return { op: 'upsert' as const, id: dataset.id, revision: dataset.revision, dataset };
        });
        return { region: 'SG', cursor: String(page + 1), reset: page === 0, hasMore: page + 1 < pages, changes };
      },
      async [Symbol.asyncDispose]() {},
    };
    const server = await serveRegion({ store, policies: await loadRegionPolicies('SG', join(demoDir, 'SG')) });
    try {
      const controller = new AbortController();
      const response = await fetch(`${server.origin}/dcat`, { signal: controller.signal });
      await response.body!.getReader().read();
      controller.abort();
      // Give the export time it would need for several more pages, then check it stopped.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const stoppedAt = pagesRead;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(pagesRead).toBe(stoppedAt);
      expect(pagesRead).toBeLessThan(pages);
      expect((await fetch(`${server.origin}/health`)).status).toBe(200);
    } finally {
      await server[Symbol.asyncDispose]();
    }
  }, 60_000);
});

describe('dcatCatalogueChunks', () => {
  it('pages through the store and writes one valid JSON document whatever the page size', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'wharf-dcat-pages-'));
    try {
      for (const name of ['a', 'b', 'c', 'd', 'e']) await writeFile(join(folder, `${name}.yaml`), `language: en\ntitle: ${name}\ndescription: ${name}.\n`);
      const store = await createFileStore({ region: 'SG', folder, pollIntervalMs: 0 });
      let chunks = 0;
      let text = '';
      for await (const chunk of dcatCatalogueChunks(store, { baseIri: base, name: 'Singapore', visibility: (record) => (record.identifier === 'c' ? 'hidden' : 'read'), pageSize: 2 })) {
        chunks += 1;
        text += chunk;
      }
      await store[Symbol.asyncDispose]();
      const catalogue = JSON.parse(text);
      expect(catalogue['dcat:dataset'].map((node: { '@id': string }) => node['@id'])).toEqual(['a', 'b', 'd', 'e'].map((name) => `${base}/dcat/SG:${name}`));
      // Head, three pages of datasets, tail.
      expect(chunks).toBe(5);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
