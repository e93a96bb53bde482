import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { importCkan } from '../../../../subgraphs/region/import/importCkan.ts';
import { importDcatAp } from '../../../../subgraphs/region/import/importDcatAp.ts';
import { importDcatUs } from '../../../../subgraphs/region/import/importDcatUs.ts';
import { identifierOf } from '../../../../subgraphs/region/import/importMapping.ts';

const fixture = (path: string) => fileURLToPath(new URL(`../../../fixtures/import/${path}`, import.meta.url));
const readJson = async (path: string) => JSON.parse(await readFile(fixture(path), 'utf8')) as unknown;
const context = (file: string) => ({ file, language: 'en' });

describe('importCkan', () => {
  it('maps a multilingual ckanext-dcat package with every translation kept', async () => {
    const result = await importCkan(await readJson('ckanext-dcat/ckan/ckan_dataset_multilingual.json'), context('multilingual.json'));
    expect(result).toEqual({
      skipped: [],
      datasets: [
        {
          source: 'multilingual.json#0 (test-dataset-multilingual)',
          identifier: 'test-dataset-multilingual',
          notes: [],
          file: {
            language: 'en',
            title: { en: 'Test DCAT dataset', ca: 'Conjunt de dades de prova DCAT', es: 'Conjunto de datos de prueba DCAT' },
            description: { en: 'Some description', ca: 'Una descripció qualsevol', es: 'Una descripción cualquiera' },
            keywords: ['Oaks', 'Pines'],
            contactPoint: { name: 'Contact 1', email: 'contact1@example.org' },
            landingPage: 'http://example.org/ds1',
            issued: '2024-05-01',
            modified: '2024-05-05',
            distributions: [
              { title: 'Resource 1', description: 'Some description', format: 'CSV', accessUrl: 'https://example.com/data.csv', downloadUrl: 'https://example.com/data.csv' },
            ],
          },
        },
      ],
    });
  });

  it('maps a real HDX package_show result, with its dataset_date as the temporal coverage', async () => {
    const { datasets } = await importCkan(await readJson('hdx/unesco_dataset.json'), context('unesco.json'));
    const { description, distributions, ...rest } = datasets[0]!.file;
    expect(rest).toEqual({
      language: 'en',
      title: 'Zimbabwe - Education Indicators',
      keywords: ['demographics', 'education', 'hxl', 'indicators', 'socioeconomics', 'sustainable development'],
      publisher: { name: 'UNESCO' },
      license: 'http://creativecommons.org/licenses/by/3.0/igo/legalcode',
      temporal: { start: '1970-01-01T00:00:00', end: '2019-12-31T23:59:59' },
      issued: '2019-09-23T07:01:54.815854',
      modified: '2022-12-19T12:51:37.469116',
    });
    expect(description).toMatch(/^Education indicators for Zimbabwe\./);
    expect((distributions as unknown[]).length).toBe(9);
    expect((distributions as Record<string, unknown>[])[0]).toEqual({
      title: 'National Monitoring data',
      description: expect.stringMatching(/^National Monitoring data with HXL tags\./),
      format: 'CSV',
      mediaType: 'text/csv',
      accessUrl: 'https://data.humdata.org/dataset/f5d0ab3b-5549-486e-a619-1fc5702237f7/resource/685d0768-17c5-4947-969d-4de446750704/download/natmon_data_zwe.csv',
      downloadUrl: 'https://data.humdata.org/dataset/f5d0ab3b-5549-486e-a619-1fc5702237f7/resource/685d0768-17c5-4947-969d-4de446750704/download/natmon_data_zwe.csv',
      byteSize: 271466,
    });
    expect(datasets[0]!.identifier).toBe('unesco-data-for-zimbabwe');
  });

  it('reads every package of a package_search result, in YAML too', async () => {
    const { datasets, skipped } = await importCkan(parseYaml(await readFile(fixture('hdx/dataset_search_results.yaml'), 'utf8')), context('search.yaml'));
    expect(skipped).toEqual([]);
    expect(datasets.map((dataset) => dataset.identifier)).toEqual(
      ['libya', 'liberia', 'lesotho', 'kenya', 'guinea', 'ghana', 'gambia', 'gabon', 'ethiopia', 'eritrea'].map((country) => `acled-conflict-data-for-${country}`),
    );
  });

  it('skips a dataset series with its reason and notes a distribution without a URL', async () => {
    const series = await importCkan(await readJson('ckanext-dcat/ckan/ckan_dcat_ap_dataset_series.json'), context('series.json'));
    expect(series).toEqual({ datasets: [], skipped: [{ source: 'series.json#0 (test-dataset-series)', reason: 'a CKAN "dataset_series", not a dataset' }] });
    const health = await importCkan(await readJson('ckanext-dcat/ckan/health_dcat_ap.json'), context('health.json'));
    expect(health.datasets[0]!.notes).toEqual(['distribution 1 left out: it has no absolute access or download URL']);
    expect(health.datasets[0]!.file).toMatchObject({ themes: ['HEAL'], temporal: { start: '2020-03-01', end: '2024-12-31' }, spatial: ['http://publications.europa.eu/resource/authority/country/BEL'] });
  });

  it('unwraps an API response and skips private and deleted packages', async () => {
    const result = await importCkan(
      {
        success: true,
        result: {
          count: 3,
          results: [
            { name: 'open', title: 'Open', notes: 'Public.', state: 'active' },
            { name: 'hidden', title: 'Hidden', notes: 'Private.', private: true },
            { name: 'gone', title: 'Gone', notes: 'Deleted.', state: 'deleted' },
          ],
        },
      },
      context('api.json'),
    );
    expect(result).toEqual({
      datasets: [{ source: 'api.json#0 (open)', identifier: 'open', notes: [], file: { language: 'en', title: 'Open', description: 'Public.' } }],
      skipped: [
        { source: 'api.json#1 (hidden)', reason: 'private in CKAN: only public packages are imported' },
        { source: 'api.json#2 (gone)', reason: 'its CKAN state is "deleted", not "active"' },
      ],
    });
  });

  it('refuses a document that is not CKAN', async () => {
    await expect(importCkan(await readJson('dcat-us/catalog-sample-extended.json'), context('data.json'))).rejects.toThrow(
      'data.json is not a CKAN package_show or package_search response, a package, or a list of packages.',
    );
  });
});

describe('importDcatAp', () => {
  it('reads a DCAT-AP 3 catalogue with an inline context by full IRIs', async () => {
    const result = await importDcatAp(await readJson('dcat-ap/example-ms_catalogue.jsonld'), context('catalogue.jsonld'));
    expect(result).toEqual({
      skipped: [],
      datasets: [
        {
          source: 'catalogue.jsonld#0 (https://data.exampleMS.gov/id/dataset/1T2p3o4B)',
          identifier: '1T2p3o4B',
          notes: ['distribution 2 (https://data.exampleMS.gov/id/dataset/1T2p3o4B-dist-RDF) left out: it has no absolute access or download URL'],
          file: {
            language: 'en',
            title: 'The population of bees',
            description: 'This dataset provides the population of bees based on a yearly inquiry held among beekeepers and farmers in spring.',
            publisher: { name: 'MS Environmental Agency' },
            // The distribution's licence document, by the EU licence it is an exact match of.
            license: 'http://publications.europa.eu/resource/authority/licence/CC0',
            accrualPeriodicity: 'BIENNIAL',
            distributions: [{ format: 'SHP', accessUrl: 'https://orgea.exampleMS.gov/files/1T2p3o4B.shp' }],
          },
        },
      ],
    });
  });

  it('reads a document naming the specification’s remote context from the bundled copy', async () => {
    const { datasets } = await importDcatAp(await readJson('dcat-ap/example-bee-population-2022-2023.jsonld'), context('bees.jsonld'));
    expect(datasets.map(({ identifier, file }) => ({ identifier, file }))).toEqual([
      { identifier: 'BeePopulation2022', file: { language: 'en', title: 'Bee population 2022', description: 'A dataset about bee population in Greece in 2022' } },
      { identifier: 'BeePopulation2023', file: { language: 'en', title: 'Bee population 2023', description: 'A dataset about bee population in Greece in 2023' } },
    ]);
  });

  it('keeps every language, maps EU themes, contact, period and media type whatever the context calls them', async () => {
    const document = {
      '@context': { d: 'http://www.w3.org/ns/dcat#', t: 'http://purl.org/dc/terms/', v: 'http://www.w3.org/2006/vcard/ns#' },
      '@id': 'https://data.gov.mo/dataset/dsec-trade',
      '@type': 'd:Dataset',
      't:title': [{ '@value': '澳門對外商品貿易統計', '@language': 'zh' }, { '@value': 'External merchandise trade', '@language': 'en' }],
      't:description': [{ '@value': '每月統計', '@language': 'zh' }, { '@value': 'Monthly statistics.', '@language': 'en' }],
      'd:keyword': [{ '@value': 'trade', '@language': 'en' }, { '@value': '貿易', '@language': 'zh' }],
      'd:theme': [{ '@id': 'http://publications.europa.eu/resource/authority/data-theme/ECON' }, { '@id': 'https://example.org/themes/ports' }],
      'd:contactPoint': { '@type': 'v:Kind', 'v:fn': 'DSEC', 'v:hasEmail': { '@id': 'mailto:info@dsec.gov.mo' } },
      't:temporal': { '@type': 't:PeriodOfTime', 'd:startDate': { '@value': '2015-01-01', '@type': 'http://www.w3.org/2001/XMLSchema#date' } },
      't:modified': { '@value': '2025-02-14', '@type': 'http://www.w3.org/2001/XMLSchema#date' },
      'd:distribution': {
        '@type': 'd:Distribution',
        'd:accessURL': { '@id': 'https://www.dsec.gov.mo/trade.csv' },
        'd:mediaType': { '@id': 'http://www.iana.org/assignments/media-types/text/csv' },
        't:format': { '@id': 'http://publications.europa.eu/resource/authority/file-type/CSV' },
        'd:byteSize': { '@value': '482113', '@type': 'http://www.w3.org/2001/XMLSchema#nonNegativeInteger' },
      },
    };
    const { datasets } = await importDcatAp(document, context('mo.jsonld'));
    expect(datasets).toEqual([
      {
        source: 'mo.jsonld#0 (https://data.gov.mo/dataset/dsec-trade)',
        identifier: 'dsec-trade',
        notes: [],
        file: {
          language: 'en',
          title: { zh: '澳門對外商品貿易統計', en: 'External merchandise trade' },
          description: { zh: '每月統計', en: 'Monthly statistics.' },
          keywords: ['trade', '貿易', 'ports'],
          themes: ['ECON'],
          contactPoint: { name: 'DSEC', email: 'info@dsec.gov.mo' },
          temporal: { start: '2015-01-01' },
          modified: '2025-02-14',
          distributions: [{ format: 'CSV', mediaType: 'text/csv', accessUrl: 'https://www.dsec.gov.mo/trade.csv', byteSize: 482113 }],
        },
      },
    ]);
  });

  it('reports a dataset series as skipped rather than leaving it out silently', async () => {
    const document = {
      '@context': 'https://semiceu.github.io/uri.semic.eu-generated/DCAT-AP/releases/3.0.0/html/examples/context.jsonld',
      '@graph': [{ '@id': 'example-ser:BeePopulation', '@type': 'DatasetSeries', title: { en: 'Bee population' } }],
    };
    expect(await importDcatAp(document, context('series.jsonld'))).toEqual({
      datasets: [],
      skipped: [{ source: 'series.jsonld#series0 (https://data.gov.gr/id/datasetseries/BeePopulation)', reason: 'a dcat:DatasetSeries, not a dataset' }],
    });
  });

  it('refuses a remote context it does not bundle, without going to the network', async () => {
    await expect(importDcatAp({ '@context': 'https://example.org/other-context.jsonld', '@type': 'Dataset' }, context('remote.jsonld'))).rejects.toThrow(
      /^remote\.jsonld cannot be read as JSON-LD: .*https:\/\/example\.org\/other-context\.jsonld is not one Wharf bundles/,
    );
  });
});

describe('importDcatUs', () => {
  it('maps a Project Open Data catalogue, with the DOI suffix as identifier and access levels as tiers', async () => {
    const document = (await readJson('dcat-us/catalog-sample-extended.json')) as { dataset: Record<string, unknown>[] };
    document.dataset[1]!.accessLevel = 'restricted public';
    const { datasets, skipped } = await importDcatUs(document, context('data.json'));
    expect(skipped).toEqual([]);
    expect(datasets.map((dataset) => [dataset.identifier, (dataset.file.access as { tier: string } | undefined)?.tier ?? 'public'])).toEqual([
      ['H4PZ56R2', 'public'],
      ['H4K64G12', 'restricted'],
      ['H49P2ZKM', 'public'],
    ]);
    expect(datasets[0]!.file).toEqual({
      language: 'en',
      title: 'U.S. Widget Manufacturing Statistics',
      description: 'This dataset provides national statistics on the production of widgets',
      keywords: ['widget', 'manufacturing', 'factory'],
      publisher: { name: 'Widget Services' },
      contactPoint: { name: 'Jane Doe', email: 'jane.doe@agency.gov' },
      license: 'http://creativecommons.org/publicdomain/zero/1.0/',
      spatial: ['United States'],
      temporal: { start: '2009-09-01T12:00:00Z', end: '2010-05-31T12:00:00Z' },
      accrualPeriodicity: 'R/P1Y',
      landingPage: 'http://agency.gov/widgets/data',
      issued: '2011-11-22',
      modified: '2011-11-19T12:00:00Z',
      distributions: [
        { title: 'widgets.csv', description: 'Widgets data as a CSV file', format: 'CSV', mediaType: 'text/csv', accessUrl: 'https://data.agency.gov/datasets/widgets-statistics/widgets.csv', downloadUrl: 'https://data.agency.gov/datasets/widgets-statistics/widgets.csv' },
        { title: 'widgets-all.zip', description: 'Widgets data as a zipped CSV file with attached data dictionary', format: 'Zipped CSV', mediaType: 'application/zip', accessUrl: 'https://data.agency.gov/datasets/widgets-statistics/widgets-all.zip', downloadUrl: 'https://data.agency.gov/datasets/widgets-statistics/widgets-all.zip' },
        { title: 'widgets-all.json', description: 'Widget data as a JSON feed', format: 'JSON', mediaType: 'application/json', accessUrl: 'http://www.agency.gov/feeds/widgets-all.json', downloadUrl: 'http://www.agency.gov/feeds/widgets-all.json' },
        { title: 'Widgets REST API', description: 'A fully queryable REST API with JSON and XML output', format: 'API', accessUrl: 'https://data.agency.gov/api/widgets-statistics/' },
      ],
    });
  });
});

describe('identifierOf', () => {
  it.each([
    ['unesco-data-for-zimbabwe', 'unesco-data-for-zimbabwe'],
    ['http://dx.doi.org/10.7927/H45X26V8', 'H45X26V8'],
    ['https://ckan.example.org/dataset/d4ce4e6e-ab89-44cb-bf5c-33a162c234de#dataset', 'd4ce4e6e-ab89-44cb-bf5c-33a162c234de'],
    ['https://example.org#catalog', 'catalog'],
    ['Trade & ports 2024', 'Trade-ports-2024'],
    ['', undefined],
  ])('makes %j into %j', (value, expected) => {
    expect(identifierOf(value)).toBe(expected);
  });
});
