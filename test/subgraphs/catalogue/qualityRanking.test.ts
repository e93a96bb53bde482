import { relevanceFraction } from '../../../subgraphs/catalogue/search/rankingRules.ts';
import { describe, expect, it } from 'vitest';
import { datasetFileSchema } from '../../../schema/datasetFile.ts';
import { toDatasetRecord } from '../../../schema/datasetRecord.ts';
import { qualityFactorOf, SearchIndex } from '../../../subgraphs/catalogue/search/createSearchIndex.ts';
import { assessQuality } from '../../../subgraphs/shared/quality/assessQuality.ts';

const recordOf = (identifier: string, file: Record<string, unknown>) => toDatasetRecord(datasetFileSchema.parse({ language: 'en', ...file }), 'SG', identifier);

/** What makes a dataset well described without touching the fields search reads (title, keywords, publisher, description). */
const wellDescribed = {
  themes: ['ENVI'],
  spatial: ['SG'],
  temporal: { start: '2000-01-01' },
  contactPoint: { email: 'data@nea.gov.sg' },
  license: 'CC-BY-4.0',
  issued: '2020-01-01',
  modified: '2024-01-01',
  distributions: [{ format: 'CSV', mediaType: 'text/csv', accessUrl: 'https://example.sg/rain', downloadUrl: 'https://example.sg/rain.csv', byteSize: 100 }],
};

describe('SearchIndex quality signal', () => {
  const poor = recordOf('a-poor', { title: 'Rainfall Monthly Totals', description: 'Rain gauge totals.' });
  const rich = recordOf('b-rich', { title: 'Rainfall Monthly Totals', description: 'Rain gauge totals.', ...wellDescribed });
  const exact = recordOf('c-exact', { title: 'Rainfall', description: 'Rain.' });
  const index = new SearchIndex();
  for (const record of [poor, rich, exact]) index.upsert(record);
  const search = (text: string) => index.search({ text, sort: 'RELEVANCE', first: 10, explain: true });

  it('ranks the better-described of two equally relevant datasets first', () => {
    // By id alone `a-poor` would come first: the quality factor decides.
    const hits = search('monthly totals').hits;
    expect(hits.map((hit) => hit.id)).toEqual(['SG:b-rich', 'SG:a-poor']);
    expect(assessQuality(rich).score).toBeGreaterThan(assessQuality(poor).score);
    expect(hits[0]!.explanation!.textScore).toBeCloseTo(hits[1]!.explanation!.textScore, 12);
  });

  it('shows the quality factor in explain, and the relevance rule is the text score times it', () => {
    for (const hit of search('monthly totals').hits) {
      const { textScore, coordination, quality, ranking } = hit.explanation!;
      expect(quality).toBe(qualityFactorOf(assessQuality(hit.record).score));
      expect(coordination).toBe(1);
      expect(ranking.relevance).toBeCloseTo(relevanceFraction(textScore * quality), 5);
    }
    expect(qualityFactorOf(0)).toBe(1);
    expect(qualityFactorOf(405)).toBeCloseTo(1.1, 12);
  });

  it('keeps an exact title above a better-described weaker match', () => {
    const hits = search('rainfall').hits;
    expect(hits[0]!.id).toBe('SG:c-exact');
    expect(assessQuality(exact).score).toBeLessThan(assessQuality(rich).score);
    expect(hits.map((hit) => hit.id)).toEqual(['SG:c-exact', 'SG:b-rich', 'SG:a-poor']);
  });
});

describe('SearchIndex scores as explain recomputes them', () => {
  // The term in every mix of fields, with descriptions from 2 words to past the lengths whose weights are looked up (1,024).
  const filler = (words: number) => Array.from({ length: words }, (_, i) => `filler${i % 97}`).join(' ');
  const records = Array.from({ length: 48 }, (_, i) => {
    const fields = i % 16;
    const length = [2, 9, 40, 300, 1023, 1024, 1500][i % 7]!;
    return recordOf(`d-${String(i).padStart(2, '0')}`, {
      title: fields & 1 ? `Harbour tonnage ${i}` : `Tonnage ${i}`,
      keywords: fields & 2 ? ['harbour', 'ships'] : ['ships'],
      publisher: { name: fields & 4 ? 'Harbour Board' : 'Port Board' },
      description: `${fields & 8 || fields === 0 ? 'harbour harbour ' : ''}${filler(length)} tonnage`,
    });
  });
  const index = new SearchIndex();
  for (const record of records) index.upsert(record);

  it.each(['harbour', 'harbour tonnage', 'tonnage'])('gives %s every hit the relevance of its explained text score, and the title rule where its title holds the word', (text) => {
    const { hits } = index.search({ text, sort: 'RELEVANCE', first: 100, explain: true });
    expect(hits.length).toBeGreaterThan(text === 'harbour' ? 40 : 10);
    for (const hit of hits) {
      const { textScore, quality, ranking } = hit.explanation!;
      expect(textScore).toBeGreaterThan(0);
      // The fraction of a key whose integer part is the rules' tiers keeps about 8 digits.
      expect(ranking.relevance).toBeCloseTo(relevanceFraction(textScore * quality), 7);
      const titleWords = text.split(' ').filter((word) => hit.record.title[0]!.value.toLowerCase().split(' ').includes(word)).length;
      expect(ranking.titleWords).toBe(titleWords);
    }
  });
});
