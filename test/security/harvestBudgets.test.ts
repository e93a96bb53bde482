import { describe, expect, it } from 'vitest';
import type { HarvestLimits } from '../../subgraphs/catalogue/createHarvester.ts';
import { startFixtureWharf } from '../support/fixtureRegions.ts';
import { changeFeed, hang, hostileRecord, moreForever, slow, startHostileRegion, upsert, type HostileHandler } from './hostileRegion.ts';

const firstCopy = [[upsert(hostileRecord('HX', 'a')), upsert(hostileRecord('HX', 'b'))]];

describe('harvesting a change feed that never ends', () => {
  const budgets: [string, Partial<HarvestLimits>, HostileHandler, string][] = [
    ['pages', { maxPagesPerHarvest: 10 }, moreForever('HX', { perPage: 5 }), 'harvest stopped after 10 change-feed pages, the most one harvest may read (maxPagesPerHarvest)'],
    ['changes', { maxChangesPerHarvest: 120 }, moreForever('HX', { perPage: 50 }), 'harvest stopped after 120 changes, the most one harvest may read (maxChangesPerHarvest)'],
    ['bytes', { maxBytesPerHarvest: 200_000 }, moreForever('HX', { perPage: 50 }), 'harvest stopped after reading 200000 bytes, the most one harvest may read (maxBytesPerHarvest)'],
    ['time', { harvestBudgetMs: 2000 }, slow(300, moreForever('HX', { perPage: 5 })), 'harvest stopped after 2000 ms, the longest one harvest may take (harvestBudgetMs)'],
    ['time (a hung page)', { harvestBudgetMs: 2000 }, hang(), 'harvest stopped after 2000 ms, the longest one harvest may take (harvestBudgetMs)'],
    [
      'quota',
      { maxDatasetsPerRegion: 30 },
      moreForever('HX', { perPage: 10 }),
      "the region offers more than 30 datasets, its quota (maxDatasetsPerRegion)",
    ],
  ];

  it.each(budgets)('keeps the last complete copy when a reconcile says "more" for ever, stopping at the %s budget', async (_name, limits, feed, detail) => {
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', firstCopy) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], reconcileIntervalMs: 0, harvestLimits: limits });
    const { index, harvester } = fixture.wharf.catalogue;
    expect([...index.regionIds('HX')].sort()).toEqual(['HX:a', 'HX:b']);

    region.handle('/changes', feed);
    await harvester.harvest('HX');
    expect(harvester.status('HX')).toMatchObject({ stale: true, lastError: detail });
    // Nothing of the snapshot cut short is in the catalogue.
    expect([...index.regionIds('HX')].sort()).toEqual(['HX:a', 'HX:b']);

    // The region dies: the last complete copy is what stays.
    await region[Symbol.asyncDispose]();
    await harvester.harvest('HX');
    expect(harvester.status('HX')).toMatchObject({ stale: true, lastError: expect.stringMatching(/^Region HX's contract could not be read: .*The gateway's log has the reason\.$/) });
    expect([...index.regionIds('HX')].sort()).toEqual(['HX:a', 'HX:b']);
  }, 20_000);

  it('stops an incremental feed at the region\'s quota, applying no page that would pass it', async () => {
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', firstCopy) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], harvestLimits: { maxDatasetsPerRegion: 7 } });
    const { index, harvester } = fixture.wharf.catalogue;
    // After the first snapshot, the feed goes on from its cursor with two new datasets a page, for ever.
    region.handle('/changes', moreForever('HX', { perPage: 2, reset: false }));
    await harvester.harvest('HX');
    expect(region.requestsTo('/changes').at(-1)!.url.searchParams.get('since')).toMatch(/^m\d+$/);
    expect(index.regionIds('HX').size).toBe(6);
    expect(harvester.status('HX')).toMatchObject({
      stale: true,
      lastError: "the region offers more than 7 datasets, its quota (maxDatasetsPerRegion)",
    });
  }, 20_000);
});
