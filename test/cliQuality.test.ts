import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWharf } from './support/runWharf.ts';

const run = runWharf;

describe('wharf quality', () => {
  it('prints a region\'s score, band, dimensions and what to add first, ranked by points gained', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'wharf-quality-'));
    try {
      await writeFile(join(folder, 'rain.yaml'), 'language: en\ntitle: Rain\ndescription: Rain.\nkeywords: [rain]\ndistributions:\n  - { format: CSV, mediaType: text/csv, accessUrl: "https://example.sg/rain" }\n');
      await writeFile(join(folder, 'wind.yaml'), 'language: en\ntitle: Wind\ndescription: Wind.\nthemes: [ENVI]\n');
      const result = await run('quality', folder, '--region', 'SG');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          `Metadata quality of region SG: 2 dataset(s) in ${folder}`,
          '(data.europa.eu MQA dimensions and points, evaluated offline: URLs are not fetched)',
          '',
          '  average score      140.0 / 405   SUFFICIENT',
          '  findability         30.0 / 100',
          '  accessibility       25.0 / 100',
          '  interoperability    70.0 / 110',
          '  reusability         15.0 / 75',
          '  contextuality        0.0 / 20',
          '  datasets by band  EXCELLENT 0 · GOOD 0 · SUFFICIENT 1 · BAD 1',
          '',
          'What to add first (points gained across the region; average gain per dataset):',
          '   1.     +60 (+30.0)  download URL reachable (an http(s) URL; reachability not checked) — 2 of 2 dataset(s) lack it; fill in `distributions[].downloadUrl`',
          '   2.     +50 (+25.0)  access URL (dcat:accessURL; reachability not checked) — 1 of 2 dataset(s) lack it; fill in `distributions[].accessUrl`',
          '   3.     +40 (+20.0)  spatial coverage (dct:spatial) — 2 of 2 dataset(s) lack it; fill in `spatial`',
          '   4.     +40 (+20.0)  temporal coverage (dct:temporal) — 2 of 2 dataset(s) lack it; fill in `temporal`',
          '   5.     +40 (+20.0)  download URL (dcat:downloadURL) — 2 of 2 dataset(s) lack it; fill in `distributions[].downloadUrl`',
          '   6.     +40 (+20.0)  licence (dct:license) — 2 of 2 dataset(s) lack it; fill in `license`',
          '   7.     +40 (+20.0)  contact point (dcat:contactPoint) — 2 of 2 dataset(s) lack it; fill in `contactPoint`',
          '   8.     +30 (+15.0)  keywords (dcat:keyword) — 1 of 2 dataset(s) lack it; fill in `keywords`',
          '   9.     +30 (+15.0)  themes from the EU data-theme vocabulary (dcat:theme) — 1 of 2 dataset(s) lack it; fill in `themes`',
          '  10.     +20 (+10.0)  format (dct:format) — 1 of 2 dataset(s) lack it; fill in `distributions[].format`',
          '  11.     +20 (+10.0)  non-proprietary format — 1 of 2 dataset(s) lack it; fill in `distributions[].format`',
          '  12.     +20 (+10.0)  machine-readable format — 1 of 2 dataset(s) lack it; fill in `distributions[].format`',
          '  13.     +20 (+10.0)  licence from the EU licence vocabulary — 2 of 2 dataset(s) lack it; fill in `license`',
          '  14.     +20 (+10.0)  publisher (dct:publisher) — 2 of 2 dataset(s) lack it; fill in `publisher`',
          '  15.     +10 (+5.0)   media type (dcat:mediaType) — 1 of 2 dataset(s) lack it; fill in `distributions[].mediaType`',
          '  16.     +10 (+5.0)   format from the EU file-type vocabulary — 1 of 2 dataset(s) lack it; fill in `distributions[].format`',
          '  17.     +10 (+5.0)   rights (dct:rights) — 2 of 2 dataset(s) lack it; fill in `rights`',
          '  18.     +10 (+5.0)   file size (dcat:byteSize) — 2 of 2 dataset(s) lack it; fill in `distributions[].byteSize`',
          '  19.     +10 (+5.0)   date of issue (dct:issued) — 2 of 2 dataset(s) lack it; fill in `issued`',
          '  20.     +10 (+5.0)   modification date (dct:modified) — 2 of 2 dataset(s) lack it; fill in `modified`',
          '',
          'Lowest-scoring datasets:',
          '   75 BAD        SG:wind  lacks: keywords (dcat:keyword); spatial coverage (dct:spatial); temporal coverage (dct:temporal); access URL (dcat:accessURL; reachability not checked); download URL reachable (an http(s) URL; reachability not checked); download URL (dcat:downloadURL); format (dct:format); non-proprietary format; machine-readable format; media type (dcat:mediaType); format from the EU file-type vocabulary; licence (dct:license); contact point (dcat:contactPoint); licence from the EU licence vocabulary; publisher (dct:publisher); rights (dct:rights); file size (dcat:byteSize); date of issue (dct:issued); modification date (dct:modified)',
          '  205 SUFFICIENT SG:rain  lacks: themes from the EU data-theme vocabulary (dcat:theme); spatial coverage (dct:spatial); temporal coverage (dct:temporal); download URL reachable (an http(s) URL; reachability not checked); download URL (dcat:downloadURL); licence (dct:license); contact point (dcat:contactPoint); licence from the EU licence vocabulary; publisher (dct:publisher); rights (dct:rights); file size (dcat:byteSize); date of issue (dct:issued); modification date (dct:modified)',
          '',
        ].join('\n'),
      );
      const json = await run('quality', folder, '--region', 'SG', '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({ region: 'SG', datasetCount: 2, averageScore: 140, band: 'SUFFICIENT' });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('refuses a folder with invalid files, naming them, and exits 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'wharf-quality-'));
    try {
      await writeFile(join(folder, 'broken.yaml'), 'language: en\ndescription: x\n');
      const result = await run('quality', folder, '--region', 'SG');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`${join(folder, 'broken.yaml')}: title:`);
      expect(result.stdout).toBe('');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
