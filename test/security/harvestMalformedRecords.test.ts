import { describe, expect, it } from 'vitest';
import { startFixtureWharf } from '../support/fixtureRegions.ts';
import { changeFeed, hostileRecord, startHostileRegion, upsert } from './hostileRegion.ts';

describe('harvesting malformed records', () => {
  it('validates every record in full, skips and reports the invalid ones, and passes none of them to the index', async () => {
    const good = hostileRecord('HX', 'good');
    const base = (identifier: string) => hostileRecord('HX', identifier);
    const changes = [
      upsert(good),
      upsert({ ...base('bad-tier'), access: { ...good.access, tier: 'ultra' } }),
      upsert({ ...base('bad-title'), title: [{ lang: 'en', value: 42 }] }),
      upsert({ ...base('bad-keywords'), keywords: [{ nested: true }] }),
      upsert({ ...base('bad-lineage'), lineage: [{ upstream: 'not an id' }] }),
      upsert({ ...base('bad-url'), distributions: [{ accessUrl: 'not a url' }] }),
      upsert({ ...base('script-url'), landingPage: 'javascript:alert(document.cookie)//' }),
      upsert({ ...base('no-access'), access: undefined }),
      // Lies about whose dataset it is.
      upsert(hostileRecord('MO', 'trade-balance')),
      { op: 'upsert', id: 'HX:renamed', revision: good.revision, dataset: base('other-name') },
      { op: 'delete', id: 'MO:trade-balance' },
      { op: 'frobnicate', id: 'HX:good' },
      'not a change',
    ];
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', [changes]) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry] });
    const { index, harvester } = fixture.wharf.catalogue;

    expect([...index.regionIds('HX')]).toEqual(['HX:good']);
    expect(index.get('MO:trade-balance')?.title[0]?.value).toBe('澳門貿易差額');
    expect(harvester.status('HX')).toEqual({
      stale: false,
      lastError: 'skipped 12 records that are malformed or too large; first: HX:bad-tier: access.tier: Invalid option: expected one of "public"|"internal"|"restricted"|"confidential"',
      lastHarvestAt: expect.any(String),
      lastSuccessAt: expect.any(String),
      lastReconcileAt: expect.any(String),
      skippedRecords: 12,
      skipped: [
        { id: 'HX:bad-tier', reason: 'access.tier: Invalid option: expected one of "public"|"internal"|"restricted"|"confidential"' },
        { id: 'HX:bad-title', reason: 'title.0.value: Invalid input: expected string, received number' },
        { id: 'HX:bad-keywords', reason: 'keywords.0: Invalid input: expected string, received object' },
        { id: 'HX:bad-lineage', reason: 'lineage.0.upstream: must be a catalogue id such as "CN-GX:customs-imports-2024" or an OpenLineage id "ol:<namespace>/<name>"' },
        { id: 'HX:bad-url', reason: 'distributions.0.accessUrl: must be an absolute http:// or https:// URL such as "https://example.org/data.csv"' },
        { id: 'HX:script-url', reason: 'landingPage: must be an absolute http:// or https:// URL such as "https://example.org/data.csv"' },
        { id: 'HX:no-access', reason: 'access: Invalid input: expected object, received undefined' },
        { id: 'MO:trade-balance', reason: 'id: a dataset of region MO, not of HX' },
        { id: 'HX:renamed', reason: 'dataset.id: "HX:other-name", not the change\'s id' },
        { id: 'MO:trade-balance', reason: 'id: a dataset of region MO, not of HX' },
      ],
    });
    const { data } = await fixture.query('{ regions { code stale lastError } }');
    expect(data.regions.find((entry: { code: string }) => entry.code === 'HX')).toEqual({
      code: 'HX',
      stale: false,
      lastError: 'The last harvest skipped records that are not valid datasets.',
    });
  });

  it('keeps the copy it has of a dataset whose new record is invalid, in a reconcile as in an incremental page', async () => {
    const good = hostileRecord('HX', 'good');
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', [[upsert(good), upsert(hostileRecord('HX', 'other'))]]) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], reconcileIntervalMs: 0 });
    const { index, harvester } = fixture.wharf.catalogue;
    region.handle('/changes', changeFeed('HX', [[upsert({ ...good, revision: 'changed', keywords: [42] })]]));
    await harvester.harvest('HX');
    // HX:other is gone from the region's snapshot; HX:good is there, but invalid: the catalogue keeps its last good record.
    expect([...index.regionIds('HX')]).toEqual(['HX:good']);
    expect(index.get('HX:good')).toEqual(good);
    expect(harvester.status('HX')).toMatchObject({ stale: false, skippedRecords: 1, skipped: [{ id: 'HX:good', reason: 'keywords.0: Invalid input: expected string, received number' }] });
  });
});
