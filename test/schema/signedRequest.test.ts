import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anonymousConsumer, type Consumer } from '../../schema/consumer.ts';
import { createReplayGuard, signRegionRequest, SignedRequestError, verifyRegionRequest, type RegionRequest } from '../../schema/signedRequest.ts';

const gateway = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const official: Consumer = { ...anonymousConsumer, subject: 'official', authenticated: true, org: 'gx-stats', jurisdiction: 'CN-GX', roles: ['statistician'] };
const request: RegionRequest = { region: 'CN-GX', method: 'POST', target: '/graphql', body: '{"query":"{ _service { sdl } }"}', consumer: official };
const nowMs = Date.UTC(2026, 11, 7, 12);

function verify(header: string, received: Omit<RegionRequest, 'consumer'> = request, at = nowMs, guard = createReplayGuard()) {
  return verifyRegionRequest(header, gateway.publicKey, received, guard, at);
}

describe('signRegionRequest › verifyRegionRequest', () => {
  it('returns the signed consumer when region, method, target and body match', () => {
    expect(verify(signRegionRequest(gateway.privateKey, request, nowMs))).toEqual({ consumer: official });
  });

  it('returns no consumer for the gateway’s own requests', () => {
    const harvest = { region: 'MO', method: 'GET', target: '/changes?limit=500' };
    expect(verify(signRegionRequest(gateway.privateKey, harvest, nowMs), harvest)).toEqual({ consumer: undefined });
  });

  it.each([
    ['another region', { ...request, region: 'MO' }, /signed for another region, not MO/],
    ['another method', { ...request, method: 'GET' }, /another method or path/],
    ['another path', { ...request, target: '/changes' }, /another method or path/],
    ['another query', { ...request, target: '/graphql?x=1' }, /another method or path/],
    ['another body', { ...request, body: '{"query":"{ __typename }"}' }, /body is not the one signed/],
  ])('refuses a signature replayed at %s', (_, received, message) => {
    const header = signRegionRequest(gateway.privateKey, request, nowMs);
    expect(() => verify(header, received)).toThrow(message);
  });

  it('refuses the same signature twice at one region', () => {
    const guard = createReplayGuard();
    const header = signRegionRequest(gateway.privateKey, request, nowMs);
    verify(header, request, nowMs, guard);
    expect(() => verify(header, request, nowMs + 1000, guard)).toThrow(/used before/);
  });

  it('refuses an expired signature and one from the future', () => {
    expect(() => verify(signRegionRequest(gateway.privateKey, request, nowMs), request, nowMs + 31_000)).toThrow(/expired/);
    expect(() => verify(signRegionRequest(gateway.privateKey, request, nowMs + 10_000))).toThrow(/from the future/);
    expect(verify(signRegionRequest(gateway.privateKey, request, nowMs + 4_000)).consumer).toEqual(official);
  });

  it('refuses another key, a changed consumer and malformed values', () => {
    expect(() => verify(signRegionRequest(other.privateKey, request, nowMs))).toThrow(/not signed by the gateway/);
    const [payload, signature] = signRegionRequest(gateway.privateKey, request, nowMs).split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, c: { ...official, roles: ['admin'] } })).toString('base64url');
    expect(() => verify(`${forged}.${signature}`)).toThrow(/not signed by the gateway/);
    expect(() => verify('nonsense')).toThrow(SignedRequestError);
    expect(() => verify(`${'a'.repeat(20_000)}.b`)).toThrow(/too long/);
  });
});

describe('createReplayGuard', () => {
  it('forgets nonces once they expire and stays within its bound', () => {
    const guard = createReplayGuard(3);
    expect(guard.claim('a', 1000, 0)).toBe(true);
    expect(guard.claim('a', 1000, 500)).toBe(false);
    expect(guard.claim('a', 2000, 1001)).toBe(true);
    for (const nonce of ['b', 'c', 'd', 'e']) guard.claim(nonce, 5000, 1500);
    expect(guard.size).toBe(3);
  });
});
