import { fixtureGatewayKeys } from '../../support/fixtureRegions.ts';
import { signedRegionFetch } from '../../support/signedRegionFetch.ts';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer as createHttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousConsumer } from '../../../schema/consumer.ts';
import { createDcatRoutes, type DcatRoutesOptions } from '../../../subgraphs/region/dcat/createDcatRoutes.ts';
import { createMemoryStore, type MemoryStore } from '../../../subgraphs/region/store/createMemoryStore.ts';
import { createAccessEvaluator } from '../../../subgraphs/shared/access/createAccessEvaluator.ts';
import { closeHttpServer } from '../../../subgraphs/shared/closeHttpServer.ts';
import { listen } from '../../../subgraphs/shared/listen.ts';
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
import { canonicalNQuads, parseRdf, validateDcatAp } from '../../support/validateDcat.ts';
import { rdfFormats } from '../../../subgraphs/shared/rdf/negotiateRdfFormat.ts';

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
    expect(result.violations, result.summary).toEqual([]);
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
    const result = await validateDcatAp(catalogueOf(region, records));
    expect(result.violations, result.summary).toEqual([]);
  });

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
    const result = await validateDcatAp(catalogue);
    expect(result.violations, result.summary).toEqual([]);
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

  it('serves one graph as JSON-LD, Turtle or RDF/XML, by Accept or by extension', async () => {
    const graphs = [];
    for (const [path, accept, format] of [
      ['/dcat', undefined, 'jsonld'],
      ['/dcat', 'text/turtle', 'turtle'],
      ['/dcat', 'application/rdf+xml;q=0.9, text/turtle;q=0.5', 'rdfxml'],
      ['/dcat.ttl', 'application/ld+json', 'turtle'],
      ['/dcat.rdf', undefined, 'rdfxml'],
      ['/dcat.jsonld', undefined, 'jsonld'],
      ['/dcat', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'jsonld'],
    ] as const) {
      const response = await fetch(`${server.origin}${path}`, { headers: accept ? { accept } : {} });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(rdfFormats[format].contentType);
      expect(response.headers.get('vary')).toBe(path === '/dcat' ? 'accept' : null);
      graphs.push(await canonicalNQuads(await parseRdf(await response.text(), format)));
    }
    expect(new Set(graphs).size).toBe(1);
    expect(graphs[0]!.split('\n').length).toBeGreaterThan(20);
  });

  it('serves one dataset in each format, an identifier ending in .ttl winning over the extension', async () => {
    const asJsonLd = await canonicalNQuads(await parseRdf(await (await fetch(`${server.origin}/dcat/open`)).text(), 'jsonld'));
    const asTurtle = await fetch(`${server.origin}/dcat/open.ttl`);
    expect(asTurtle.headers.get('content-type')).toBe('text/turtle; charset=utf-8');
    expect(await canonicalNQuads(await parseRdf(await asTurtle.text(), 'turtle'))).toBe(asJsonLd);
    const asXml = await fetch(`${server.origin}/dcat/CN-GX:open.rdf`);
    expect(await canonicalNQuads(await parseRdf(await asXml.text(), 'rdfxml'))).toBe(asJsonLd);
    await writeFile(join(folder, 'notes.ttl.yaml'), dataset('notes'));
    await writeFile(join(folder, 'notes.yaml'), dataset('other'));
    await store.refresh();
    const named = await fetch(`${server.origin}/dcat/notes.ttl`);
    expect(named.headers.get('content-type')).toBe('application/ld+json; charset=utf-8');
    expect(((await named.json()) as { '@id': string })['@id']).toBe(`${server.origin}/dcat/CN-GX:notes.ttl`);
    await rm(join(folder, 'notes.ttl.yaml'));
    await rm(join(folder, 'notes.yaml'));
    await store.refresh();
  });

  it.each([
    ['an unserved type', 'text/html', 'The Accept header "text/html" names no format served here.'],
    ['only zero qualities', 'text/turtle;q=0, application/ld+json;q=0', 'The Accept header "text/turtle;q=0, application/ld+json;q=0" names no format served here.'],
    ['a range that is not type/subtype', 'turtle', 'The Accept header has "turtle", which is not a media range such as text/turtle.'],
    ['a wildcard type with a subtype', '*/turtle', 'The Accept header has "*/turtle", which is not a media range such as text/turtle.'],
    ['a quality out of range', 'text/turtle;q=2', 'The Accept header has q="2"; a quality is a number from 0 to 1 with at most three decimals.'],
    ['a parameter without a value', 'text/turtle;level', 'The Accept header has the parameter "level", which is not name=value.'],
  ])('answers 406 naming what is served to an Accept with %s', async (_what, accept, message) => {
    for (const path of ['/dcat', '/dcat?page=1', '/dcat/open']) {
      const response = await fetch(`${server.origin}${path}`, { headers: { accept } });
      expect(response.status).toBe(406);
      expect(await response.json()).toEqual({ error: `${message} Ask for one of application/ld+json, text/turtle, application/rdf+xml, or add .jsonld, .ttl, .rdf to the path.` });
    }
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

/** A region's `/dcat` routes on their own server, for options `serveRegion` leaves at their defaults. */
async function serveDcat(store: DatasetStore, options: Partial<DcatRoutesOptions> = {}) {
  const policies = await loadRegionPolicies('CN-GX', join(fixtureRegionsDir, 'CN-GX'));
  let origin = '';
  const routes = createDcatRoutes({ store, evaluator: createAccessEvaluator(policies), name: 'Guangxi', baseIri: () => origin, ...options });
  const httpServer = createHttpServer((request, response) => {
    void routes.handle(request, response, new URL(request.url ?? '/', 'http://localhost'), anonymousConsumer).catch(() => response.destroy());
  });
  origin = await listen(httpServer, 0, '127.0.0.1');
  return { origin, close: () => closeHttpServer(httpServer) };
}

const guangxiRecord = (n: number, extra: Record<string, unknown> = {}) =>
  toDatasetRecord(
    datasetFileSchema.parse({ language: 'en', title: `Dataset ${n}`, description: `About ${n}.`, distributions: [{ format: 'CSV', accessUrl: `https://example.gx.gov.cn/${n}.csv` }], ...extra }),
    'CN-GX',
    `d${String(n).padStart(3, '0')}`,
  );

interface Page {
  ids: string[];
  hydra: Record<string, unknown>;
}

/** A page as JSON-LD: its datasets' ids and its Hydra node. */
async function readPage(url: string): Promise<Page & { status: number }> {
  const response = await fetch(url);
  const body = (await response.json()) as { '@graph'?: Record<string, any>[] };
  const graph = body['@graph'] ?? [];
  return {
    status: response.status,
    ids: (graph[0]?.['dcat:dataset'] ?? []).map((node: { '@id': string }) => node['@id'].replace(/^.*\/dcat\//, '')),
    hydra: graph.find((node) => node['@type'] === 'hydra:PagedCollection') ?? {},
  };
}

describe('GET /dcat?page=N', () => {
  // 23 datasets, every third confidential: an anonymous consumer may see 15.
  const records = Array.from({ length: 23 }, (_, n) => guangxiRecord(n, n % 3 === 0 ? { access: { tier: 'confidential' } } : {}));
  const visible = records.filter((_, n) => n % 3 !== 0).map((record) => record.id);
  let store: MemoryStore;
  let served: Awaited<ReturnType<typeof serveDcat>>;
  beforeAll(async () => {
    store = createMemoryStore('CN-GX', records);
    served = await serveDcat(store, { datasetsPerPage: 4 });
  });
  afterAll(async () => {
    await served.close();
  });

  /** Every page from `?page=1`, following `hydra:next`. */
  async function walk(first = `${served.origin}/dcat?page=1`): Promise<Page[]> {
    const pages: Page[] = [];
    for (let url: string | undefined = first; url; url = pages.at(-1)!.hydra['hydra:next'] as string | undefined) {
      const page = await readPage(url);
      expect(page.status).toBe(200);
      pages.push(page);
    }
    return pages;
  }

  it('pages the datasets the consumer may see as a hydra:PagedCollection, each full but the last, each dataset once', async () => {
    const pages = await walk();
    expect(pages.map((page) => page.ids.length)).toEqual([4, 4, 4, 3]);
    expect(pages.flatMap((page) => page.ids)).toEqual(visible);
    const [first, second] = pages;
    expect(first!.hydra).toEqual({
      '@id': `${served.origin}/dcat?page=1`,
      '@type': 'hydra:PagedCollection',
      'hydra:first': `${served.origin}/dcat?page=1`,
      'hydra:firstPage': `${served.origin}/dcat?page=1`,
      'hydra:next': expect.stringMatching(new RegExp(`^${served.origin}/dcat\\?page=2&cursor=[A-Za-z0-9_-]+$`)),
      'hydra:nextPage': first!.hydra['hydra:next'],
      'hydra:itemsPerPage': 4,
    });
    expect(second!.hydra).toMatchObject({ '@id': first!.hydra['hydra:next'], 'hydra:previous': `${served.origin}/dcat?page=1` });
    expect(pages.at(-1)!.hydra['hydra:next']).toBeUndefined();
  });

  it('answers ?page=N without a cursor with the page the links lead to, and refuses pages past the end and bad numbers', async () => {
    const pages = await walk();
    expect((await readPage(`${served.origin}/dcat?page=3`)).ids).toEqual(pages[2]!.ids);
    const past = await fetch(`${served.origin}/dcat?page=5`);
    expect([past.status, await past.json()]).toEqual([404, { error: "Page 5 is past the last page (4) of region CN-GX's catalogue; start at ?page=1." }]);
    for (const page of ['0', '-1', 'two', '1.5', '99999999']) {
      const response = await fetch(`${served.origin}/dcat?page=${page}`);
      expect([page, response.status]).toEqual([page, 400]);
    }
  });

  it('keeps its cursors opaque, and refuses a forged or altered one with 410', async () => {
    const [first] = await walk();
    const next = new URL(first!.hydra['hydra:next'] as string);
    const cursor = next.searchParams.get('cursor')!;
    const feedEpoch = (await store.changes(undefined, 1)).cursor.split('.')[0]!;
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain(feedEpoch);
    for (const bad of ['forged', `${cursor.slice(0, -2)}${cursor.endsWith('AA') ? 'BB' : 'AA'}`, 'x'.repeat(600)]) {
      const response = await fetch(`${served.origin}/dcat?page=2&cursor=${bad}`);
      expect(response.status).toBe(410);
      expect(((await response.json()) as { error: string }).error).toBe('The paging cursor is not one region CN-GX made, or is from before it restarted; harvest again from ?page=1.');
    }
  });

  it('misses no dataset when the region changes during a walk: a changed one comes again on a later page', async () => {
    const walking = createMemoryStore('CN-GX', records);
    const own = await serveDcat(walking, { datasetsPerPage: 4 });
    try {
      const first = await readPage(`${own.origin}/dcat?page=1`);
      // A dataset already seen changes, one not yet seen changes, and a new one arrives.
      await walking.upsertMany([guangxiRecord(1, { title: 'Dataset 1, revised' }), guangxiRecord(20, { title: 'Dataset 20, revised' }), guangxiRecord(99)]);
      const rest = await walk(first.hydra['hydra:next'] as string);
      const seen = [...first.ids, ...rest.flatMap((page) => page.ids)];
      expect(new Set(seen)).toEqual(new Set([...visible, 'CN-GX:d099']));
      expect(seen.filter((id) => id === 'CN-GX:d001')).toHaveLength(2);
      expect(seen.filter((id) => id === 'CN-GX:d020')).toHaveLength(1);
    } finally {
      await own.close();
    }
  });

  it('serves pages in Turtle and RDF/XML with the same Hydra links', async () => {
    const turtle = await fetch(`${served.origin}/dcat.ttl?page=1`);
    expect(turtle.headers.get('content-type')).toBe('text/turtle; charset=utf-8');
    const quads = await parseRdf(await turtle.text(), 'turtle');
    const next = quads.find((quad) => quad.predicate.value === 'http://www.w3.org/ns/hydra/core#next');
    expect(next?.object.value).toMatch(new RegExp(`^${served.origin}/dcat\\.ttl\\?page=2&cursor=`));
    const xml = await fetch(`${served.origin}/dcat.rdf?page=2&cursor=${new URL(next!.object.value).searchParams.get('cursor')}`);
    const xmlQuads = await parseRdf(await xml.text(), 'rdfxml');
    expect(xmlQuads.filter((quad) => quad.predicate.value === 'http://www.w3.org/ns/dcat#dataset')).toHaveLength(4);
  });
});

describe('GET /dcat within its bounds', () => {
  it('serves pages by their links, small and whole, while the four whole exports it allows are running and a fifth is refused', async () => {
    const template = toDatasetRecord(datasetFileSchema.parse({ language: 'en', title: 'Dataset', description: 'x'.repeat(2000) }), 'CN-GX', 'd');
    const record = (n: number): DatasetRecord => ({ ...template, id: `CN-GX:d${n}`, identifier: `d${n}`, revision: `r${n}` });
    const store = createMemoryStore('CN-GX', Array.from({ length: 3000 }, (_, n) => record(n)));
    const served = await serveDcat(store, { readerIdleMs: 60_000 });
    const controllers = Array.from({ length: 4 }, () => new AbortController());
    try {
      // Four readers that take the first bytes and then nothing: the exports wait on them, holding their slots.
      for (const controller of controllers) {
        const response = await fetch(`${served.origin}/dcat`, { signal: controller.signal });
        await response.body!.getReader().read();
      }
      const fifth = await fetch(`${served.origin}/dcat`);
      expect([fifth.status, fifth.headers.get('retry-after')]).toEqual([503, '5']);
      expect(((await fifth.json()) as { error: string }).error).toMatch(/already serving 4 catalogue exports; retry in a few seconds, ask for a page at \/dcat\?page=1/);
      // A page by number alone reads the pages before it: it waits for a slot like a whole export.
      const deep = await fetch(`${served.origin}/dcat?page=2`);
      expect([deep.status, deep.headers.get('retry-after')]).toEqual([503, '5']);
      const next = (await readPage(`${served.origin}/dcat?page=1`)).hydra['hydra:next'] as string;
      const page = await fetch(next);
      expect(page.status).toBe(200);
      const length = Number(page.headers.get('content-length'));
      const body = (await page.json()) as { '@graph': Record<string, any>[] };
      expect(body['@graph'][0]!['dcat:dataset']).toHaveLength(100);
      // A page is held whole, and stays small: 100 datasets of 2 kB descriptions.
      expect(length).toBeLessThan(400_000);
    } finally {
      for (const controller of controllers) controller.abort();
      await served.close();
    }
  }, 60_000);
});
