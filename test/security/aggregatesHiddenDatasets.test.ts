import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { startFixtureWharf } from '../support/fixtureRegions.ts';

const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;

const regionsQuery = `{ regions { code datasetCount quality {
  datasetCount averageScore band dimensions { dimension averageScore } improvements { indicator datasets pointsGained averageGain }
} } }`;

/** The home page's count for a region, as a person reads it. */
const homeCount = (html: string, code: string) => Number(new RegExp(`<li data-region="${code}"><a [^>]*>[^<]*</a> <span class="count">([\\d,]+) datasets?</span>`).exec(html)?.[1]?.replace(/,/g, ''));

describe('region aggregates', () => {
  it('count and score only the datasets the consumer may discover: a hidden dataset changes no total, mean or improvement', async () => {
    await using fixture = await startFixtureWharf();
    const guangxi = async (token?: string) => (await fixture.query(regionsQuery, {}, token)).data.regions.find((region: { code: string }) => region.code === 'CN-GX');
    const home = async (headers: Record<string, string> = {}) => homeCount(await (await fetch(`${fixture.wharf.origin}/?lang=en`, { headers })).text(), 'CN-GX');
    const before = await guangxi();
    expect(before.datasetCount).toBe(2);
    expect(await home()).toBe(2);

    // A confidential dataset, far better described than the others: counted in, it would move every mean.
    await writeFile(
      join(fixture.regions.get('CN-GX')!.folder, 'border-crossings.yaml'),
      [
        'language: en',
        'title: Youyi Pass crossing records',
        'description: Every crossing at the Youyi Pass, person by person.',
        'keywords: [border, crossings]',
        'themes: [JUST]',
        'publisher: { name: Guangxi Border Police, url: "https://gx.example.cn" }',
        'contactPoint: { name: Data office, email: data@gx.example.cn }',
        'license: https://creativecommons.org/licenses/by/4.0/',
        'spatial: [CN-GX]',
        'temporal: { start: "2020-01-01" }',
        'accrualPeriodicity: DAILY',
        'issued: "2020-01-01"',
        'modified: "2025-04-20"',
        'distributions:',
        '  - { format: CSV, mediaType: text/csv, accessUrl: "https://gx.example.cn/c.csv", downloadUrl: "https://gx.example.cn/c.csv", byteSize: 1000 }',
        'access: { tier: confidential, personalData: sensitive }',
        '',
      ].join('\n'),
    );
    await fixture.wharf.catalogue.harvester.harvest('CN-GX');
    expect(fixture.wharf.catalogue.index.regionIds('CN-GX').size).toBe(3);

    // Anonymous: exactly as before. A portal key is the same public scope.
    expect(await guangxi()).toEqual(before);
    expect(await home()).toBe(2);
    // A Guangxi official may discover it: it counts for them.
    const official = await guangxi(tokens['guangxi-official']);
    expect(official.datasetCount).toBe(3);
    expect(official.quality.datasetCount).toBe(3);
    expect(official.quality.averageScore).toBeGreaterThan(before.quality.averageScore);
    expect(await home({ authorization: `Bearer ${tokens['guangxi-official']}` })).toBe(3);
  });
});
