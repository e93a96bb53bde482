import { relevanceFraction } from '../../subgraphs/catalogue/search/rankingRules.ts';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcatDatasetDocument } from '../../subgraphs/region/dcat/toDcatDataset.ts';
import { loadDatasetFolder } from '../../subgraphs/region/store/loadDatasetFolder.ts';
import { assessQuality, qualityMask } from '../../subgraphs/shared/quality/assessQuality.ts';
import { summariseQuality } from '../../subgraphs/shared/quality/summariseQuality.ts';
import { fixtureRegionCodes, fixtureRegionsDir, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

describe('quality and DCAT-AP through the gateway', () => {
  let wharf: FixtureWharf;
  beforeAll(async () => {
    wharf = await startFixtureWharf();
  });
  afterAll(async () => {
    await wharf[Symbol.asyncDispose]();
  });

  it('answers Dataset.quality from the catalogue and Dataset.dcat from the owning region', async () => {
    const [record] = (await loadDatasetFolder(join(fixtureRegionsDir, 'MO'), 'MO')).records.filter((item) => item.id === 'MO:trade-balance');
    const { data, errors } = await wharf.query(`{
      dataset(id: "MO:trade-balance") {
        quality { score maxScore band dimensions { dimension score maxScore missing } }
        dcat
      }
    }`);
    expect(errors).toBeUndefined();
    expect(data.dataset.quality).toEqual(assessQuality(record!));
    // Themes and spatial 50, an access URL 50, a CSV without media type 100, access rights 15.
    expect(data.dataset.quality).toMatchObject({ score: 215, maxScore: 405, band: 'SUFFICIENT' });
    const origin = wharf.regions.get('MO')!.server.origin;
    expect(JSON.parse(data.dataset.dcat)).toEqual(dcatDatasetDocument(record!, { baseIri: origin }));
  });

  it('answers each region\'s quality with what to add first', async () => {
    const { data, errors } = await wharf.query(`{
      regions {
        code
        quality {
          datasetCount averageScore maxScore band
          dimensions { dimension averageScore maxScore }
          improvements { indicator dimension label field datasets pointsGained averageGain }
        }
      }
    }`);
    expect(errors).toBeUndefined();
    for (const code of fixtureRegionCodes) {
      const { records } = await loadDatasetFolder(join(fixtureRegionsDir, code), code);
      const expected = summariseQuality(records.map(qualityMask));
      expect(data.regions.find((region: { code: string }) => region.code === code).quality).toEqual(expected);
    }
    expect(data.regions.find((region: { code: string }) => region.code === 'MO').quality).toMatchObject({
      datasetCount: 2,
      averageScore: 242.5,
      band: 'GOOD',
      improvements: expect.arrayContaining([expect.objectContaining({ indicator: 'downloadUrlReachable', datasets: 2, pointsGained: 60 })]),
    });
  });

  it('shows the quality factor among a search hit\'s score parts', async () => {
    const { data, errors } = await wharf.query('{ search(query: "trade balance", first: 1) { edges { node { id quality { score } } score explain { textScore quality ranking { relevance } } } } }');
    expect(errors).toBeUndefined();
    const [edge] = data.search.edges;
    expect(edge.explain.quality).toBeCloseTo(1 + (0.1 * edge.node.quality.score) / 405, 12);
    // Relevance, the last ranking rule, is the text score times the quality factor (squashed into [0, 1)).
    expect(edge.explain.ranking.relevance).toBeCloseTo(relevanceFraction(edge.explain.textScore * edge.explain.quality), 5);
  });
});
