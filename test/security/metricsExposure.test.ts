import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNameLabel } from '../../gateway/metricsPlugin.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const metricsToken = 'metrics-token-for-tests-0123456789abcdef';

/** The distinct values of `label` across every series of the exposition `text`. */
function labelValues(text: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const match of text.matchAll(new RegExp(`[{,]${label}="([^"]*)"`, 'g'))) values.add(match[1]!);
  return values;
}

describe('operationNameLabel', () => {
  it('reports known names and the first max others as themselves, and every later or malformed name as other', () => {
    const label = operationNameLabel(['WharfSearch'], 2);
    expect(['A', 'B', 'C', 'A', 'WharfSearch', undefined, '', 'x'.repeat(65), 'not a name'].map(label)).toEqual([
      'A',
      'B',
      'other',
      'A',
      'WharfSearch',
      'Anonymous',
      'Anonymous',
      'other',
      'other',
    ]);
  });
});

describe('/metrics', () => {
  let wharf: FixtureWharf;
  let closed: FixtureWharf;
  beforeAll(async () => {
    [wharf, closed] = await Promise.all([startFixtureWharf({ metricsToken }), startFixtureWharf({})]);
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
    await closed?.[Symbol.asyncDispose]();
  });

  const scrape = (target: FixtureWharf, authorization?: string) =>
    fetch(`${target.wharf.origin}/metrics`, { headers: authorization ? { authorization } : {} });

  it('answers 401 UNAUTHENTICATED to everyone when no metrics token is configured', async () => {
    const response = await scrape(closed, `Bearer ${metricsToken}`);
    expect([response.status, response.headers.get('www-authenticate'), await response.json()]).toEqual([
      401,
      'Bearer',
      { code: 'UNAUTHENTICATED', error: 'Metrics are off: start the gateway with WHARF_METRICS_TOKEN and scrape with "Authorization: Bearer <token>".' },
    ]);
  });

  it('answers 401 without the token or with another, and the metrics with it', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${metricsToken}`]) {
      const response = await scrape(wharf, authorization);
      expect([authorization, response.status, (await response.json()).code]).toEqual([authorization, 401, 'UNAUTHENTICATED']);
    }
    const response = await scrape(wharf, `Bearer ${metricsToken}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# HELP /m);
  });

  it('keeps every label bounded when 100 requests each bring a new operation name', async () => {
    const post = (body: unknown) => fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((response) => response.text());
    for (let i = 0; i < 100; i++) await post({ query: `query Probe${i} { regions { code } }` });
    // An operation name that names no operation, as long as the body allows.
    await post({ query: '{ regions { code } }', operationName: 'y'.repeat(100_000) });
    const text = await (await scrape(wharf, `Bearer ${metricsToken}`)).text();
    const names = labelValues(text, 'operationName');
    // 50 client names at most, besides Anonymous, other and the portal's own operations.
    expect([...names].filter((name) => name.startsWith('Probe')).length).toBeLessThanOrEqual(50);
    expect(names.has('other')).toBe(true);
    expect([...names].every((name) => name.length <= 64)).toBe(true);
    // Labels whose values a client or a region chooses are not exported at all.
    expect([...labelValues(text, 'url'), ...labelValues(text, 'path'), ...labelValues(text, 'statusText')]).toEqual([]);
    expect(text.length).toBeLessThan(2_000_000);
  });
});
