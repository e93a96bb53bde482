import { afterEach, describe, expect, it } from 'vitest';
import { hangRegion, startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const query = `{ datasets(ids: ["CN-GX:customs-exports", "MO:trade-balance", "VN:hanoi-air-quality"]) { id distributions { format } } }`;
/** A first fetch from every region with another selection, so the deadline measures a hang, not a cold start. */
const warmUp = `{ datasets(ids: ["CN-GX:customs-exports", "MO:trade-balance", "VN:hanoi-air-quality"]) { id access { decision } } }`;
const expectedData = {
  // The region's own field is null; the catalogue's fields of its dataset are still there.
  datasets: [{ id: 'CN-GX:customs-exports', distributions: [{ format: 'CSV' }] }, { id: 'MO:trade-balance', distributions: null }, { id: 'VN:hanoi-air-quality', distributions: [{ format: 'CSV' }] }],
};

describe('gateway when a region fails', () => {
  let wharf: FixtureWharf | undefined;
  afterEach(async () => {
    await wharf?.[Symbol.asyncDispose]();
    wharf = undefined;
  });

  it('returns the other regions\' data and REGION_UNAVAILABLE when a region is stopped', async () => {
    wharf = await startFixtureWharf({ regionTimeoutMs: 2000 });
    await wharf.regions.get('MO')!.server[Symbol.asyncDispose]();
    const result = await wharf.query(query);
    expect(result.data).toEqual(expectedData);
    expect(result.errors).toEqual([
      {
        message: 'Region MO could not be reached.',
        path: ['datasets', 1],
        extensions: { code: 'REGION_UNAVAILABLE', region: 'MO', serviceName: 'regions' },
      },
    ]);
  });

  it('answers within the deadline when a region accepts connections but never answers', async () => {
    const timeoutMs = 800;
    wharf = await startFixtureWharf({ regionTimeoutMs: timeoutMs });
    await wharf.query(warmUp);
    const restore = hangRegion(wharf.regions.get('MO')!.server);
    const started = performance.now();
    const result = await wharf.query(query);
    const elapsedMs = performance.now() - started;
    restore();
    expect(result.data).toEqual(expectedData);
    expect(result.errors).toEqual([
      {
        message: `Region MO did not answer within the request's ${timeoutMs} ms deadline.`,
        path: ['datasets', 1],
        extensions: { code: 'REGION_UNAVAILABLE', region: 'MO', serviceName: 'regions' },
      },
    ]);
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs - 50);
    expect(elapsedMs).toBeLessThan(timeoutMs + 1500);
  });

  it('shares one deadline between sequential fetches of one request', async () => {
    const timeoutMs = 800;
    wharf = await startFixtureWharf({ regionTimeoutMs: timeoutMs });
    await wharf.query(warmUp);
    const restore = hangRegion(wharf.regions.get('MO')!.server);
    const started = performance.now();
    // Two levels of MO entities: a per-fetch timeout would take twice as long.
    const result = await wharf.query(`{ dataset(id: "VN:lang-son-border-trade") {
      upstream { id ... on Dataset { distributions { format } upstream { id ... on Dataset { distributions { format } } } } } } }`);
    const elapsedMs = performance.now() - started;
    restore();
    expect(result.errors?.every((error) => error.extensions.code === 'REGION_UNAVAILABLE')).toBe(true);
    expect(elapsedMs).toBeLessThan(2 * timeoutMs);
  });
});
