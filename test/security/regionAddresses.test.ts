import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { supergraphPath } from '../../schema/composeSupergraph.ts';
import { startFixtureWharf } from '../support/fixtureRegions.ts';
import { startHostileRegion } from './hostileRegion.ts';

describe('Query.regions', () => {
  it('shows consumers no region address, nor the credentials an address may carry', async () => {
    await using region = await startHostileRegion();
    const url = `${region.url}?access_token=region-secret-0123456789`;
    await using fixture = await startFixtureWharf({ extraRegions: [{ ...region.entry, url }] });

    const asked = await fixture.query('{ regions { code url } }');
    expect(asked.data).toBeUndefined();
    expect(asked.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const everything = await fixture.query(
      '{ regions { code name datasetCount lastHarvestAt lastSuccessAt harvestLagMs lastError stale quality { datasetCount averageScore } } }',
    );
    expect(everything.errors).toBeUndefined();
    expect(everything.data.regions.map((entry: { code: string }) => entry.code)).toEqual(['CN-GX', 'MO', 'VN', 'HX']);
    const home = await (await fetch(`${fixture.wharf.origin}/`)).text();
    for (const text of [JSON.stringify(everything), home]) {
      expect(text).not.toContain('region-secret');
      expect(text).not.toContain(region.origin);
    }
    for (const { url: origin } of [...fixture.regions.values()].map(({ server }) => ({ url: new URL(server.url).origin }))) expect(home).not.toContain(origin);
    // The composed graph has no field that could carry it.
    expect(readFileSync(supergraphPath, 'utf8')).not.toMatch(/type Region\b[^}]*\burl:/);
  });
});
