import { describe, expect, it } from 'vitest';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { changeFeed, hostileRecord, json, openPolicies, redirect, serveContract, startHostileRegion, upsert } from './hostileRegion.ts';

const adminToken = 'admin-token-for-tests-0123456789abcdef';
const failedInPublic = 'The last harvest failed; the catalogue serves the last good copy.';

/** Lists the registered regions through the admin API, with their harvest status. */
async function adminRegions(fixture: FixtureWharf): Promise<{ code: string; harvest?: Record<string, unknown> }[]> {
  const response = await fetch(`${fixture.wharf.origin}/admin/regions`, { headers: { authorization: `Bearer ${adminToken}` } });
  return ((await response.json()) as { regions: { code: string; harvest?: Record<string, unknown> }[] }).regions;
}

describe('harvesting a region that redirects', () => {
  it('follows no redirect of the change feed, the policies or the contract, and tells consumers only that the harvest failed', async () => {
    // The address a hostile region would point the gateway at: an internal service.
    await using internal = await startHostileRegion({ code: 'IN' });
    await using region = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', [[upsert(hostileRecord('HX', 'kept'))]]) } });
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], adminToken, reconcileIntervalMs: 0 });
    const harvester = fixture.wharf.catalogue.harvester;
    expect(harvester.status('HX')).toMatchObject({ stale: false, lastError: null });

    const attempts: [string, () => void, string][] = [
      ['change feed', () => region.handle('/changes', redirect(`${internal.origin}/changes?token=internal`)), 'change feed answered HTTP 302, a redirect; the harvester does not follow redirects'],
      ['policies', () => region.handle('/policies', redirect(`${internal.origin}/policies`, 307)), 'policies answered HTTP 307, a redirect; the harvester does not follow redirects'],
      ['contract', () => region.handle('/contract', redirect(`${internal.origin}/contract`, 301)), expect.stringMatching(/^Region HX's contract could not be read: .*The gateway's log has the reason\.$/)],
    ];
    for (const [, misbehave, detail] of attempts) {
      region.handle('/changes', changeFeed('HX', [[upsert(hostileRecord('HX', 'kept'))]]));
      region.handle('/policies', json({ region: 'HX', version: 'open-1', policies: openPolicies('HX') }));
      region.handle('/contract', serveContract('HX'));
      misbehave();
      await harvester.harvest('HX');
      expect(internal.requests).toEqual([]);
      // The operator sees the detail; the region keeps its last good copy.
      expect(harvester.status('HX')).toMatchObject({ stale: true, lastError: detail });
      expect((await adminRegions(fixture)).find((entry) => entry.code === 'HX')?.harvest).toMatchObject({ stale: true, lastError: detail });
      expect(fixture.wharf.catalogue.index.get('HX:kept')).toBeDefined();
    }

    const { data } = await fixture.query('{ regions { code stale lastError } }');
    expect(data.regions.find((entry: { code: string }) => entry.code === 'HX')).toEqual({ code: 'HX', stale: true, lastError: failedInPublic });
  });

  it('refuses to register a region whose contract redirects, without calling the target', async () => {
    await using internal = await startHostileRegion({ code: 'IN' });
    await using region = await startHostileRegion({ code: 'HY', handlers: { '/contract': redirect(`${internal.origin}/contract`) } });
    await using fixture = await startFixtureWharf({ adminToken });
    const response = await fetch(`${fixture.wharf.origin}/admin/regions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ code: 'HY', name: 'Hostile', url: region.url }),
    });
    expect([response.status, await response.json()]).toEqual([422, { code: 'CONTRACT_UNAVAILABLE', error: expect.stringMatching(/^Region HY's contract could not be read: .*The gateway's log has the reason\.$/) }]);
    expect(internal.requests).toEqual([]);
  });

  it('shows consumers no detail of a failure: no status code, address or timing', async () => {
    await using region = await startHostileRegion();
    await using fixture = await startFixtureWharf({ extraRegions: [region.entry], adminToken });
    for (const status of [404, 500]) {
      region.handle('/changes', json({ error: 'nope' }, status));
      await fixture.wharf.catalogue.harvester.harvest('HX');
      const { data } = await fixture.query(`{ regions { code lastError } r${status}: regions { code } }`);
      expect(data.regions.find((entry: { code: string }) => entry.code === 'HX')).toEqual({ code: 'HX', lastError: failedInPublic });
      expect(fixture.wharf.catalogue.harvester.status('HX')?.lastError).toBe(`change feed answered HTTP ${status}`);
    }
  });
});
