import { describe, expect, it } from 'vitest';
import { startFixtureWharf } from '../support/fixtureRegions.ts';
import { formatVersion, pinnedContract } from '../../schema/regionContract.ts';
import { changeFeed, hostileRecord, oversizedPage, startHostileRegion, upsert } from './hostileRegion.ts';

const searchIds = async (fixture: Awaited<ReturnType<typeof startFixtureWharf>>, text: string) =>
  ((await fixture.query('query ($q: String) { search(query: $q, first: 50) { edges { node { id } } } }', { q: text })).data.search.edges as { node: { id: string } }[]).map((edge) => edge.node.id);

describe('harvesting oversized records', () => {
  it('skips a record over a field cap or the record cap, reports it, and keeps the rest of the page', async () => {
    const long = hostileRecord('HX', 'long-description', { description: [{ lang: 'en', value: `needle ${'x'.repeat(2_000_000)}` }] });
    const manyKeywords = hostileRecord('HX', 'many-keywords', { keywords: Array.from({ length: 5000 }, (_, i) => `needle${i}`) });
    // Every field within its cap, the whole over the record cap.
    const wide = hostileRecord('HX', 'wide', { distributions: Array.from({ length: 900 }, (_, i) => ({ title: `needle ${'y'.repeat(1500)}`, accessUrl: `https://example.org/${i}.csv` })) });
    await using region = await startHostileRegion({
      handlers: { '/changes': changeFeed('HX', [[upsert(hostileRecord('HX', 'small')), upsert(long), upsert(manyKeywords), upsert(wide)]]) },
    });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry] });

    expect(await searchIds(fixture, 'needle')).toEqual([]);
    expect([...fixture.wharf.catalogue.index.regionIds('HX')]).toEqual(['HX:small']);
    expect(fixture.wharf.catalogue.harvester.status('HX')).toMatchObject({
      stale: false,
      skippedRecords: 3,
      skipped: [
        { id: 'HX:long-description', reason: 'description.0.value: must be at most 65536 characters' },
        { id: 'HX:many-keywords', reason: 'keywords: must have at most 1000 entries' },
        { id: 'HX:wide', reason: expect.stringMatching(/^\d+ bytes, more than the 1048576 a record may have \(maxRecordBytes\)$/) },
      ],
      lastError: 'skipped 3 records that are malformed or too large; first: HX:long-description: description.0.value: must be at most 65536 characters',
    });
    const { data } = await fixture.query('{ regions { code stale lastError } }');
    expect(data.regions.find((entry: { code: string }) => entry.code === 'HX')).toEqual({
      code: 'HX',
      stale: false,
      lastError: 'The last harvest skipped records that are not valid datasets.',
    });
  });

  it('stops reading a page over the page cap, asks for smaller pages, and fails the harvest keeping the last good copy', async () => {
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', [[upsert(hostileRecord('HX', 'kept'))]]) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], reconcileIntervalMs: 0, harvestLimits: { maxPageBytes: 1_000_000 } });
    expect([...fixture.wharf.catalogue.index.regionIds('HX')]).toEqual(['HX:kept']);

    // 20 MB, streamed: the harvester reads no more than 1 MB of it per request.
    region.handle('/changes', oversizedPage('HX', 20_000_000));
    const before = region.requestsTo('/changes').length;
    await fixture.wharf.catalogue.harvester.harvest('HX');

    const asked = region.requestsTo('/changes').slice(before).map((request) => request.url.searchParams.get('limit'));
    expect(asked).toEqual(['500', '250', '125', '62', '31', '15', '7', '3', '1']);
    expect(fixture.wharf.catalogue.harvester.status('HX')).toMatchObject({ stale: true, lastError: 'change feed page is larger than 1000000 bytes' });
    expect([...fixture.wharf.catalogue.index.regionIds('HX')]).toEqual(['HX:kept']);
  });

  it('reads at most 1 MB of a region\'s contract, refusing a larger one', async () => {
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', [[upsert(hostileRecord('HX', 'kept'))]]) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], reconcileIntervalMs: 0 });
    // 3 MB of whitespace, then a valid contract: a parser that read it all would accept it.
    const { sdl, version } = pinnedContract();
    region.handle('/contract', (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 48; i += 1) response.write(' '.repeat(65_536));
      response.end(JSON.stringify({ region: 'HX', version: formatVersion(version), sdl }));
    });
    await fixture.wharf.catalogue.harvester.harvest('HX');
    expect(fixture.wharf.catalogue.harvester.status('HX')).toMatchObject({ stale: true, lastError: expect.stringMatching(/^Region HX's contract could not be read: .*The gateway's log has the reason\.$/) });
    expect([...fixture.wharf.catalogue.index.regionIds('HX')]).toEqual(['HX:kept']);
  });
});
