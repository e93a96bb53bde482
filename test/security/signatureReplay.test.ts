import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { signedRequestHeader } from '../../schema/signedRequest.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';
import { changeFeed, hostileRecord, startHostileRegion, upsert } from './hostileRegion.ts';

const officialToken = (JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>)['guangxi-official']!;

/**
 * A region the gateway sends a request to sees everything in it: here MO
 * plays a hostile region that records what it receives and replays it.
 */
describe('a signed region request captured by another region', () => {
  let wharf: FixtureWharf;
  const captured: { url: string; headers: Record<string, string>; body: string }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.endsWith('/graphql') && init?.body) captured.push({ url, headers: { ...(init.headers as Record<string, string>) }, body: String(init.body) });
    return fetch(input, init);
  };

  beforeAll(async () => {
    wharf = await startFixtureWharf({ fetch: recordingFetch });
    const result = await wharf.query('{ datasets(ids: ["MO:trade-balance"]) { id access { decision } } }', {}, officialToken);
    expect(result.errors).toBeUndefined();
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  const sentToMacao = () => {
    const request = captured.find(({ url }) => url === wharf.regions.get('MO')!.server.url);
    expect(request?.headers[signedRequestHeader]).toEqual(expect.any(String));
    return request!;
  };

  it('opens nothing at another region, on any endpoint', async () => {
    const { headers, body } = sentToMacao();
    const guangxi = wharf.regions.get('CN-GX')!.server;
    const asked = body.replaceAll('MO:trade-balance', 'CN-GX:customs-exports');
    for (const [path, init] of [
      ['/graphql', { method: 'POST', body }],
      ['/graphql', { method: 'POST', body: asked }],
      ['/changes', { method: 'GET' }],
      ['/dcat/customs-exports', { method: 'GET' }],
    ] as const) {
      const response = await fetch(`${guangxi.origin}${path}`, { ...init, headers });
      expect(response.status, path).toBe(401);
      expect(await response.text(), path).toContain('signed for another region, not CN-GX');
    }
  });

  it('opens nothing at the same region: not for another request, not twice', async () => {
    const { url, headers, body } = sentToMacao();
    const other = body.replace('trade-balance', 'reexport-reconciliation');
    const forOther = await fetch(url, { method: 'POST', headers, body: other });
    expect(forOther.status).toBe(401);
    expect(await forOther.text()).toContain('The request body is not the one signed.');
    const replayed = await fetch(url, { method: 'POST', headers, body });
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('The request signature has been used before.');
    const elsewhere = await fetch(url.replace('/graphql', '/changes'), { headers });
    expect(elsewhere.status).toBe(401);
    expect(await elsewhere.text()).toContain('signed for another method or path');
  });
});

describe('a hostile region that appears in an official’s results', () => {
  it('captures the signed request it is sent, and can replay it nowhere', async () => {
    await using hostile = await startHostileRegion({ handlers: { '/changes': changeFeed('HX', [[upsert(hostileRecord('HX', 'bait'))]]) } });
    await using fixture = await startFixtureWharf({ extraRegions: [hostile.entry] });
    const result = await fixture.query('{ datasets(ids: ["HX:bait", "CN-GX:customs-exports"]) { id access { decision } } }', {}, officialToken);
    expect(result.data.datasets[1]).toEqual({ id: 'CN-GX:customs-exports', access: { decision: expect.any(String) } });

    const [captured] = hostile.requestsTo('/graphql');
    const header = captured?.headers[signedRequestHeader];
    expect(header).toEqual(expect.any(String));
    const guangxi = fixture.regions.get('CN-GX')!.server;
    // The official's signed request, replayed at Guangxi as it was sent, and with a body asking for Guangxi's data.
    for (const body of [captured!.body, captured!.body.replaceAll('HX:bait', 'CN-GX:customs-exports')]) {
      const replayed = await fetch(guangxi.url, { method: 'POST', headers: { 'content-type': 'application/json', [signedRequestHeader]: header as string }, body });
      expect(replayed.status).toBe(401);
      expect(await replayed.text()).toContain('signed for another region, not CN-GX');
    }
  });
});
