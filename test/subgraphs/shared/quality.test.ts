import { describe, expect, it } from 'vitest';
import { datasetFileSchema } from '../../../schema/datasetFile.ts';
import { toDatasetRecord, type DatasetRecord } from '../../../schema/datasetRecord.ts';
import { assessQuality, qualityBand, qualityMask } from '../../../subgraphs/shared/quality/assessQuality.ts';
import { dimensionMaxScores, qualityIndicators, qualityMaxScore } from '../../../subgraphs/shared/quality/qualityIndicators.ts';
import { summariseQuality } from '../../../subgraphs/shared/quality/summariseQuality.ts';

const recordOf = (file: Record<string, unknown>, identifier = 'sample') => toDatasetRecord(datasetFileSchema.parse(file), 'MO', identifier);

/** Every indicator filled in. */
const complete = recordOf({
  language: 'pt',
  title: { pt: 'Comércio externo', en: 'External trade' },
  description: 'Estatísticas mensais.',
  keywords: ['comércio'],
  themes: ['ECON'],
  spatial: ['MO'],
  temporal: { start: '2015-01' },
  publisher: { name: 'DSEC', url: 'https://www.dsec.gov.mo' },
  contactPoint: { email: 'info@dsec.gov.mo' },
  license: 'https://creativecommons.org/licenses/by/4.0/',
  rights: 'Cite DSEC as the source.',
  issued: '2015-02-01',
  modified: '2025-02-14',
  distributions: [
    { format: 'PDF', mediaType: 'application/pdf', accessUrl: 'https://www.dsec.gov.mo/trade.pdf' },
    { format: 'CSV', mediaType: 'text/csv', accessUrl: 'https://www.dsec.gov.mo/trade', downloadUrl: 'https://www.dsec.gov.mo/trade.csv', byteSize: 4096 },
  ],
});

/** Only what the file format requires. */
const bare = recordOf({ language: 'en', title: 'Trade', description: 'Trade.' });

describe('assessQuality', () => {
  it('gives every point, on the best distribution, when every indicator is filled in', () => {
    expect(assessQuality(complete)).toEqual({
      score: 405,
      maxScore: 405,
      band: 'EXCELLENT',
      dimensions: [
        { dimension: 'findability', score: 100, maxScore: 100, missing: [] },
        { dimension: 'accessibility', score: 100, maxScore: 100, missing: [] },
        { dimension: 'interoperability', score: 110, maxScore: 110, missing: [] },
        { dimension: 'reusability', score: 75, maxScore: 75, missing: [] },
        { dimension: 'contextuality', score: 20, maxScore: 20, missing: [] },
      ],
    });
  });

  it('lists what a bare dataset lacks, most points first, and keeps only what it always has', () => {
    expect(assessQuality(bare)).toEqual({
      score: 45,
      maxScore: 405,
      band: 'BAD',
      dimensions: [
        {
          dimension: 'findability',
          score: 0,
          maxScore: 100,
          missing: ['keywords (dcat:keyword)', 'themes from the EU data-theme vocabulary (dcat:theme)', 'spatial coverage (dct:spatial)', 'temporal coverage (dct:temporal)'],
        },
        {
          dimension: 'accessibility',
          score: 0,
          maxScore: 100,
          missing: ['access URL (dcat:accessURL; reachability not checked)', 'download URL reachable (an http(s) URL; reachability not checked)', 'download URL (dcat:downloadURL)'],
        },
        {
          dimension: 'interoperability',
          // DCAT-AP's mandatory properties are all there: a dataset without distributions is compliant.
          score: 30,
          maxScore: 110,
          missing: ['format (dct:format)', 'non-proprietary format', 'machine-readable format', 'media type (dcat:mediaType)', 'format from the EU file-type vocabulary'],
        },
        {
          dimension: 'reusability',
          // Every Wharf dataset has an access tier, exported as an EU access right.
          score: 15,
          maxScore: 75,
          missing: ['licence (dct:license)', 'contact point (dcat:contactPoint)', 'licence from the EU licence vocabulary', 'publisher (dct:publisher)'],
        },
        { dimension: 'contextuality', score: 0, maxScore: 20, missing: ['rights (dct:rights)', 'file size (dcat:byteSize)', 'date of issue (dct:issued)', 'modification date (dct:modified)'] },
      ],
    });
  });

  it('scores formats by the EU file-type table: a PDF is open but not machine-readable, an XLSX machine-readable but proprietary, an API by its media type', () => {
    const withFormat = (format: string, mediaType?: string) =>
      assessQuality(recordOf({ language: 'en', title: 'T', description: 'D', distributions: [{ format, ...(mediaType ? { mediaType } : {}), accessUrl: 'https://example.org/x' }] }))
        .dimensions.find((dimension) => dimension.dimension === 'interoperability')!;
    expect(withFormat('PDF').missing).toEqual(['machine-readable format', 'media type (dcat:mediaType)']);
    expect(withFormat('XLSX').missing).toEqual(['non-proprietary format', 'media type (dcat:mediaType)']);
    expect(withFormat('API', 'application/json')).toEqual({ dimension: 'interoperability', score: 110, maxScore: 110, missing: [] });
    expect(withFormat('MADE-UP').missing).toEqual(['non-proprietary format', 'machine-readable format', 'media type (dcat:mediaType)', 'format from the EU file-type vocabulary']);
  });

  it('awards the licence vocabulary points only for licences the EU table lists', () => {
    const reusability = (license: string) =>
      assessQuality(recordOf({ language: 'en', title: 'T', description: 'D', license })).dimensions.find((dimension) => dimension.dimension === 'reusability')!.missing;
    expect(reusability('CC-BY-4.0')).not.toContain('licence from the EU licence vocabulary');
    expect(reusability('http://creativecommons.org/licenses/by/4.0')).not.toContain('licence from the EU licence vocabulary');
    expect(reusability('https://data.gov.sg/open-data-licence')).toContain('licence from the EU licence vocabulary');
    expect(reusability('https://data.gov.sg/open-data-licence')).not.toContain('licence (dct:license)');
  });

  it('adds up to the MQA dimensions and weights', () => {
    expect(qualityMaxScore).toBe(405);
    expect(dimensionMaxScores).toEqual({ findability: 100, accessibility: 100, interoperability: 110, reusability: 75, contextuality: 20 });
    expect(qualityIndicators.length).toBeLessThanOrEqual(31);
  });
});

describe('qualityBand', () => {
  it('cuts at the MQA bands', () => {
    expect([405, 351, 350, 221, 220, 121, 120, 0].map(qualityBand)).toEqual(['EXCELLENT', 'EXCELLENT', 'GOOD', 'GOOD', 'SUFFICIENT', 'SUFFICIENT', 'BAD', 'BAD']);
  });
});

describe('summariseQuality', () => {
  it('averages a region and ranks what to add first by the points it gains across datasets', () => {
    const keywordsOnly: DatasetRecord = recordOf({ language: 'en', title: 'T', description: 'D', keywords: ['k'] }, 'other');
    const summary = summariseQuality([complete, bare, keywordsOnly].map(qualityMask));
    expect(summary).toMatchObject({ datasetCount: 3, averageScore: 175, maxScore: 405, band: 'SUFFICIENT' });
    expect(summary.dimensions).toEqual([
      { dimension: 'findability', averageScore: 43.3, maxScore: 100 },
      { dimension: 'accessibility', averageScore: 33.3, maxScore: 100 },
      { dimension: 'interoperability', averageScore: 56.7, maxScore: 110 },
      { dimension: 'reusability', averageScore: 35, maxScore: 75 },
      { dimension: 'contextuality', averageScore: 6.7, maxScore: 20 },
    ]);
    expect(summary.improvements.slice(0, 4)).toEqual([
      { indicator: 'accessUrl', dimension: 'accessibility', label: 'access URL (dcat:accessURL; reachability not checked)', field: 'distributions[].accessUrl', datasets: 2, pointsGained: 100, averageGain: 33.3 },
      { indicator: 'theme', dimension: 'findability', label: 'themes from the EU data-theme vocabulary (dcat:theme)', field: 'themes', datasets: 2, pointsGained: 60, averageGain: 20 },
      { indicator: 'downloadUrlReachable', dimension: 'accessibility', label: 'download URL reachable (an http(s) URL; reachability not checked)', field: 'distributions[].downloadUrl', datasets: 2, pointsGained: 60, averageGain: 20 },
      // Ties keep the MQA order.
      { indicator: 'spatial', dimension: 'findability', label: 'spatial coverage (dct:spatial)', field: 'spatial', datasets: 2, pointsGained: 40, averageGain: 13.3 },
    ]);
    // The keyword indicator is missing from one dataset only: 30 points.
    expect(summary.improvements.find((item) => item.indicator === 'keyword')).toMatchObject({ datasets: 1, pointsGained: 30 });
  });

  it('answers zeros for a region without datasets', () => {
    expect(summariseQuality([])).toMatchObject({ datasetCount: 0, averageScore: 0, band: 'BAD', improvements: [] });
  });
});
