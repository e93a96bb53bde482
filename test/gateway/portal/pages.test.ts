import { describe, expect, it } from 'vitest';
import { renderDatasetPage, type DatasetPageOptions } from '../../../gateway/portal/datasetPage.ts';
import { renderLineageSvg } from '../../../gateway/portal/lineageSvg.ts';
import { pageMessagesFor } from '../../../gateway/portal/pageMessages.ts';

const dataset: DatasetPageOptions['data']['dataset'] = {
  id: 'MO:trade-balance',
  region: 'MO',
  identifier: 'trade-balance',
  title: 'Macau trade balance',
  description: 'Monthly trade balance of Macau.',
  language: 'zh',
  keywords: [],
  themes: ['ECON'],
  publisher: null,
  contactPoint: null,
  license: null,
  spatial: ['MO'],
  temporal: null,
  accrualPeriodicity: null,
  landingPage: null,
  issued: null,
  modified: null,
  classification: { tier: 'public', personalData: 'none', securityLevel: 'general', residency: 'MO' },
  distributions: [],
  access: { decision: 'ALLOW', policies: ['mo-read-public'], missing: [], obligations: [], purpose: '' },
};

const options = (extra: Partial<DatasetPageOptions['data']['dataset']>): DatasetPageOptions => ({
  data: { dataset: { ...dataset, ...extra }, lineage: { isPartial: false, partialRegions: [], nodes: [], edges: [] } },
  errors: [],
  strings: pageMessagesFor('en'),
  consumer: undefined,
  pageUrl: 'https://wharf.example/datasets/MO%3Atrade-balance',
  catalogueUrl: 'https://wharf.example/',
  languageHref: (lang) => `?lang=${lang}`,
  datasetHref: (id) => `/datasets/${encodeURIComponent(id)}`,
});

describe('renderDatasetPage', () => {
  it('shows the quality score when the dataset has one', () => {
    const page = renderDatasetPage(options({ quality: { score: 291, maxScore: 405, band: 'GOOD' } })).value;
    expect(page).toContain('<section id="quality" aria-labelledby="quality-h"><h2 id="quality-h">Metadata quality</h2><p><meter min="0" max="405" value="291"></meter> <strong>291</strong> / 405 · GOOD</p></section>');
  });

  it('leaves quality out when the schema has no quality field', () => {
    expect(renderDatasetPage(options({})).value).not.toContain('id="quality"');
  });

  it('says a region could not answer, beside what the catalogue has', () => {
    const page = renderDatasetPage({ ...options({ access: null, distributions: null }), errors: [{ message: 'Region MO did not answer within 5000 ms.', extensions: { code: 'REGION_UNAVAILABLE' } }] }).value;
    expect(page).toContain('<p class="notice" role="alert">Region MO did not answer within 5000 ms. </p>');
    expect(page).toContain('<h1>Macau trade balance</h1>');
    expect(page).not.toContain('id="access"');
  });
});

describe('renderLineageSvg', () => {
  it('draws sources left of what derives from them, a cross-border edge red with both jurisdictions, and an external input dashed', () => {
    const svg = renderLineageSvg({
      rootId: 'MO:b',
      nodes: [
        { __typename: 'Dataset', id: 'MO:b', title: 'B', region: 'MO' },
        { __typename: 'Dataset', id: 'CN-GX:a', title: 'A', region: 'CN-GX' },
        { __typename: 'ExternalDataset', id: 'ol:postgres://db/public.raw', namespace: 'postgres://db', name: 'public.raw' },
      ],
      edges: [
        { upstream: 'CN-GX:a', downstream: 'MO:b', crossBorder: true, fromJurisdiction: 'CN-GX', toJurisdiction: 'MO', job: null },
        { upstream: 'ol:postgres://db/public.raw', downstream: 'CN-GX:a', crossBorder: false, fromJurisdiction: null, toJurisdiction: 'CN-GX', job: 'load' },
      ],
      href: (id) => `/datasets/${id}`,
      labels: { title: 'Lineage', crossBorder: 'cross-border', restricted: 'Restricted dataset' },
    }).value;
    const x = (id: string) => Number(new RegExp(`data-id="${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"><title>[^<]*</title><rect x="(\\d+)"`).exec(svg)![1]);
    expect([x('ol:postgres://db/public.raw'), x('CN-GX:a'), x('MO:b')]).toEqual([16, 312, 608]);
    expect(svg).toContain('<g class="edge cross-border" data-upstream="CN-GX:a" data-downstream="MO:b" data-from="CN-GX" data-to="MO"><title>cross-border: CN-GX → MO — CN-GX:a → MO:b</title>');
    expect(svg).toContain('<g class="node external" data-id="ol:postgres://db/public.raw">');
    expect(svg).toContain('<title id="wharf-lineage-title">Lineage: 3 · 2 · cross-border 1</title>');
  });
});
