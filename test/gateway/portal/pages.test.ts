import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { accessBadge } from '../../../gateway/portal/accessBadge.ts';
import { datasetPageQuery, datasetPageQueryFor, renderDatasetPage, type DatasetPageOptions } from '../../../gateway/portal/datasetPage.ts';
import { consumerSchema } from '../../../schema/consumerSchema.ts';
import { renderLineageSvg, wrapText, type LineageEdgeView } from '../../../gateway/portal/lineageSvg.ts';
import { messages, uiLanguages } from '../../../gateway/portal/messages.ts';
import { pageMessagesFor } from '../../../gateway/portal/pageMessages.ts';
import { readSearchState, searchStateLimits, writeSearchState } from '../../../gateway/portal/searchState.ts';
import { formatLabel, licenceLabel, pickTranslation, qualityBandLabels, regionLabel, themeLabels } from '../../../gateway/portal/vocabularyLabels.ts';
import { dataThemes } from '../../../subgraphs/shared/dcatVocabularies.ts';

const dataset: DatasetPageOptions['data']['dataset'] = {
  id: 'MO:trade-balance',
  region: 'MO',
  identifier: 'trade-balance',
  title: 'Macau trade balance',
  description: 'Monthly trade balance of Macau.',
  titleTranslations: [],
  descriptionTranslations: [],
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
  data: { dataset: { ...dataset, ...extra }, regions: [], upstream: null, downstream: null },
  errors: [],
  strings: pageMessagesFor('en'),
  consumer: undefined,
  pageUrl: 'https://wharf.example/datasets/MO%3Atrade-balance',
  catalogueUrl: 'https://wharf.example/',
  backHref: '/?lang=en',
  searchHref: (param, value) => `/?lang=en&${param}=${value}`,
  languageHref: (lang) => `?lang=${lang}`,
  datasetHref: (id) => `/datasets/${encodeURIComponent(id)}`,
});

describe('renderDatasetPage', () => {
  it('shows the quality score when the dataset has one', () => {
    const page = renderDatasetPage(options({ quality: { score: 291, maxScore: 405, band: 'GOOD' } })).value;
    expect(page).toContain('<section id="quality" aria-labelledby="quality-h"><h2 id="quality-h">Metadata quality</h2><p><meter min="0" max="405" value="291" aria-label="Metadata quality"></meter> <strong>291</strong> / 405 · <span data-band="GOOD">Good</span></p></section>');
    const zh = renderDatasetPage({ ...options({ quality: { score: 291, maxScore: 405, band: 'GOOD' } }), strings: pageMessagesFor('zh') }).value;
    expect(zh).toContain('<span data-band="GOOD">良好</span>');
  });

  it('leaves quality out when the schema has no quality field', () => {
    expect(renderDatasetPage(options({})).value).not.toContain('id="quality"');
  });

  it('says a region could not answer, beside what the catalogue has', () => {
    const page = renderDatasetPage({ ...options({ access: null, distributions: null }), errors: [{ message: 'Region MO did not answer within 5000 ms.', extensions: { code: 'REGION_UNAVAILABLE' } }] }).value;
    expect(page).toContain('<p class="notice" role="alert">Region MO did not answer within 5000 ms. </p>');
    // The fixture's title is English in a dataset whose own language is Chinese, with no translations listed: it is marked as the dataset's language.
    expect(page).toContain('<h1 lang="zh">Macau trade balance</h1>');
    expect(page).not.toContain('id="access"');
  });
});

describe('renderDatasetPage text fallback', () => {
  it('shows the requested language, else English, else the dataset\'s own, marking text in another language with lang', () => {
    const translated = { title: '澳門貿易差額', description: '每月貿易差額。', titleTranslations: [{ lang: 'zh', value: '澳門貿易差額' }, { lang: 'en', value: 'Macau trade balance' }], descriptionTranslations: [{ lang: 'zh', value: '每月貿易差額。' }] };
    const pt = renderDatasetPage({ ...options(translated), strings: pageMessagesFor('pt') }).value;
    expect(pt).toContain('<h1 lang="en">Macau trade balance</h1>');
    expect(pt).toContain('<p lang="zh">每月貿易差額。</p>');
    const zh = renderDatasetPage({ ...options(translated), strings: pageMessagesFor('zh') }).value;
    expect(zh).toContain('<h1>澳門貿易差額</h1>');
    expect(pickTranslation([], 'vi', { lang: 'zh', value: 'x' })).toEqual({ lang: 'zh', value: 'x' });
  });

  it('links "Back to search" to the search it is given and themes to their search, in words', () => {
    const page = renderDatasetPage({ ...options({}), backHref: '/?lang=en&q=trade&sort=MODIFIED' }).value;
    expect(page).toContain('<a href="/?lang=en&amp;q=trade&amp;sort=MODIFIED" id="back">← Back to search</a>');
    expect(page).toContain('<a href="/?lang=en&amp;theme=ECON" data-theme="ECON">Economy and finance</a>');
  });
});

describe('vocabulary labels', () => {
  it('gives every EU data theme a label in every UI language, the English ones the vocabulary\'s own', () => {
    expect(Object.keys(themeLabels).sort()).toEqual(Object.keys(dataThemes).sort());
    for (const [code, labels] of Object.entries(themeLabels)) {
      expect(labels.en).toBe(dataThemes[code]);
      for (const lang of uiLanguages) expect(labels[lang].length).toBeGreaterThan(1);
    }
    expect(themeLabels.ECON).toEqual({ en: 'Economy and finance', pt: 'Economia e finanças', zh: '经济和金融', vi: 'Kinh tế và tài chính', ms: 'Ekonomi dan kewangan' });
  });

  it('names formats, licences, quality bands and regions in words, and leaves what it does not know as it is', () => {
    expect([formatLabel('GEOJSON', 'en'), formatLabel('xlsx', 'pt'), formatLabel('API', 'zh'), formatLabel('FOO', 'vi')]).toEqual(['Map data (GeoJSON)', 'Folha de cálculo (XLSX)', '网络 API', 'FOO']);
    expect([licenceLabel('https://creativecommons.org/licenses/by/4.0/', 'ms'), licenceLabel('CC-BY-4.0', 'en'), licenceLabel('http://data.gov.sg/open-data-licence', 'zh'), licenceLabel('My licence', 'en')]).toEqual([
      'Creative Commons Atribusi 4.0', 'Creative Commons Attribution 4.0', '新加坡开放数据许可', undefined,
    ]);
    for (const band of ['EXCELLENT', 'GOOD', 'SUFFICIENT', 'BAD']) for (const lang of uiLanguages) expect(qualityBandLabels[band]![lang]).not.toBe(band);
    expect([regionLabel('MO', 'en', 'Macao'), regionLabel('MO', 'zh', 'Macao'), regionLabel('VN', 'vi', 'Viet Nam'), regionLabel('SG', 'zh', 'Singapore'), regionLabel('XX-YY', 'zh', 'Somewhere')]).toEqual(['Macao', '澳门特别行政区', 'Việt Nam', '新加坡', 'Somewhere']);
  });

  it('says what an access decision means to the reader', () => {
    const words = (access: Parameters<typeof accessBadge>[0]) => messages.en[accessBadge(access).text];
    expect([
      words({ decision: 'ALLOW' }),
      words({ decision: 'CONDITIONAL', obligations: ['attribution'] }),
      words({ decision: 'CONDITIONAL', obligations: ['attribution', 'no-onward-transfer'] }),
      words({ decision: 'DENY', missing: [{ kind: 'MECHANISM' }] }),
      words({ decision: 'DENY', missing: [{ kind: 'AUTHENTICATION' }] }),
    ]).toEqual(['Open', 'Open with attribution', 'Open on conditions', 'Needs a transfer mechanism', 'Restricted']);
  });
});

describe('search state in a URL', () => {
  it('reads and writes query, filters, sort and page, defaults left out', () => {
    const state = readSearchState(new URLSearchParams('q=trade&theme=ECON&theme=TRAN&format=CSV&region=MO&sort=modified&page=3&lang=zh&other=1'));
    expect(state).toEqual({ query: 'trade', filters: { regions: ['MO'], themes: ['ECON', 'TRAN'], formats: ['CSV'] }, sort: 'MODIFIED', page: 3 });
    expect(writeSearchState(state, new URLSearchParams('lang=zh')).toString()).toBe('lang=zh&q=trade&region=MO&theme=ECON&theme=TRAN&format=CSV&sort=MODIFIED&page=3');
    expect(writeSearchState(readSearchState(new URLSearchParams('sort=BOGUS&page=-2'))).toString()).toBe('');
  });

  it('bounds what a URL may ask for', () => {
    const params = new URLSearchParams({ q: 'x'.repeat(1000), page: '999999' });
    for (let i = 0; i < 100; i += 1) params.append('theme', `T${i}${'y'.repeat(200)}`);
    const state = readSearchState(params);
    expect([state.query.length, state.page, state.filters.themes.length, Math.max(...state.filters.themes.map((value) => value.length))]).toEqual([
      searchStateLimits.queryChars, searchStateLimits.pages, searchStateLimits.valuesPerFilter, searchStateLimits.valueChars,
    ]);
  });
});

describe('renderLineageSvg', () => {
  const edge = (upstream: string, downstream: string, crossBorder = false, from: string | null = null, to: string | null = null): LineageEdgeView => ({ upstream, downstream, crossBorder, fromJurisdiction: from, toJurisdiction: to, job: null });
  const labels = { title: 'Lineage', crossBorder: 'cross-border', restricted: 'Restricted dataset', external: 'outside every region' };
  const xOf = (svg: string, id: string) => Number(new RegExp(`data-id="${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"><title>[^<]*</title><rect x="([\\d.]+)"`).exec(svg)![1]);

  it('draws what the dataset comes from on its left and what derives from it on its right, and no cousin', () => {
    const svg = renderLineageSvg({
      rootId: 'MO:b',
      upstream: {
        nodes: [{ __typename: 'Dataset', id: 'MO:b', title: 'B', region: 'MO' }, { __typename: 'Dataset', id: 'CN-GX:a', title: 'A', region: 'CN-GX' }, { __typename: 'ExternalDataset', id: 'ol:postgres://db/public.raw', namespace: 'postgres://db', name: 'public.raw' }],
        edges: [edge('CN-GX:a', 'MO:b', true, 'CN-GX', 'MO'), edge('ol:postgres://db/public.raw', 'CN-GX:a')],
      },
      downstream: {
        nodes: [{ __typename: 'Dataset', id: 'MO:b', title: 'B', region: 'MO' }, { __typename: 'Dataset', id: 'VN:c', title: 'C', region: 'VN' }, { __typename: 'Dataset', id: 'SG:cousin', title: 'Cousin', region: 'SG' }],
        // A BOTH walk would reach SG:cousin through VN:c's other upstream; a DOWNSTREAM answer never holds that edge, and if it did the picture would not follow it backwards.
        edges: [edge('MO:b', 'VN:c', true, 'MO', 'VN'), edge('SG:cousin', 'VN:c')],
      },
      href: (id) => `/datasets/${id}`,
      labels,
    }).value;
    const [raw, a, b, c] = [xOf(svg, 'ol:postgres://db/public.raw'), xOf(svg, 'CN-GX:a'), xOf(svg, 'MO:b'), xOf(svg, 'VN:c')];
    expect(raw < a && a < b && b < c).toBe(true);
    expect(svg).not.toContain('SG:cousin');
    expect(svg).toContain('data-nodes="4" data-edges="3" data-cross-border="2"');
    expect(svg).toContain('<g class="edge cross-border" data-upstream="CN-GX:a" data-downstream="MO:b" data-from="CN-GX" data-to="MO"><title>cross-border: CN-GX → MO — CN-GX:a → MO:b</title>');
  });

  it('keeps the labels of cross-border edges arriving in one column apart', () => {
    const sources = ['CN-GX:a', 'MO:a', 'SG:a', 'MY:a'];
    const svg = renderLineageSvg({
      rootId: 'VN:root',
      upstream: { nodes: [{ __typename: 'Dataset', id: 'VN:root', title: 'Root' }, ...sources.map((id) => ({ __typename: 'Dataset' as const, id, title: id }))], edges: sources.map((id) => edge(id, 'VN:root', true, id.slice(0, id.indexOf(':')), 'VN')) },
      downstream: { nodes: [], edges: [] },
      href: (id) => id,
      labels,
    }).value;
    const boxes = [...svg.matchAll(/<g class="label"><rect x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((match) => match.slice(1).map(Number) as [number, number, number, number]);
    expect(boxes).toHaveLength(4);
    for (const [i, [x1, y1, w1, h1]] of boxes.entries()) for (const [x2, y2, w2, h2] of boxes.slice(i + 1)) expect(x1 + w1 <= x2 || x2 + w2 <= x1 || y1 + h1 <= y2 || y2 + h2 <= y1).toBe(true);
  });

  it('wraps a long title in full over up to three lines, and cuts only beyond them', () => {
    expect(wrapText('Monthly re-export trade reconciliation between Macao and Nanning customs')).toEqual(['Monthly re-export trade', 'reconciliation between Macao', 'and Nanning customs']);
    expect(wrapText('广西壮族自治区与东盟国家进出口贸易月度统计数据（按海关口岸和商品分类）汇总表')).toEqual(['广西壮族自治区与东盟国家进出口', '贸易月度统计数据（按海关口岸和', '商品分类）汇总表']);
    const cut = wrapText('One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen');
    expect(cut).toHaveLength(3);
    expect(cut[2]!.endsWith('…')).toBe(true);
  });
});

describe('the dataset page operation', () => {
  it('asks for quality through $withQuality, and leaves the field and its variable out for a supergraph without Dataset.quality', () => {
    expect(datasetPageQueryFor(true)).toBe(datasetPageQuery);
    const without = datasetPageQueryFor(false);
    expect(without).not.toMatch(/quality/i);
    expect(validate(consumerSchema(), parse(without))).toEqual([]);
  });
});
