import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIssuer, demoPortalApiKey, demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { createAuthenticator } from '../../gateway/identity/authenticate.ts';
import { startFixtureWharf, type FixtureWharf } from '../support/fixtureRegions.ts';

const demoKey = await importPKCS8(readFileSync(new URL('../../gateway/demo/identity/jwt-es256-private.pem', import.meta.url), 'utf8'), 'ES256');
const demoTokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;

async function token(claims: Record<string, unknown>, options: { key?: CryptoKey; issuer?: string; audience?: string; expiresAt?: number } = {}) {
  return new SignJWT({ org: 'macao-health-bureau', jurisdiction: 'MO', roles: ['analyst'], ...claims })
    .setProtectedHeader({ alg: 'ES256' })
    .setSubject('tester')
    .setIssuer(options.issuer ?? demoIssuer.issuer)
    .setAudience(options.audience ?? demoIssuer.audience)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 600)
    .sign(options.key ?? demoKey);
}

describe('gateway identity', () => {
  let wharf: FixtureWharf;
  const post = (headers: Record<string, string>) =>
    fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"query":"{ search { totalCount } }"}' });

  beforeAll(async () => {
    wharf = await startFixtureWharf();
  });
  afterAll(async () => {
    await wharf?.[Symbol.asyncDispose]();
  });

  it.each([
    ['a token signed by another key', () => token({}, { key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey as unknown as CryptoKey }), 'The bearer token is not signed by a key this gateway trusts.'],
    ['an expired token', () => token({}, { expiresAt: Math.floor(Date.now() / 1000) - 60 }), 'The bearer token has expired.'],
    ['a token for another audience', () => token({}, { audience: 'someone-else' }), 'The bearer token\'s "aud" claim is not accepted here.'],
    ['a token from another issuer', () => token({}, { issuer: 'https://evil.example' }), 'The bearer token\'s "iss" claim is not accepted here.'],
    ['a malformed token', async () => 'not.a.jwt', 'The bearer token is not signed by a key this gateway trusts.'],
  ])('answers 401 UNAUTHENTICATED for %s', async (_, make, message) => {
    const response = await post({ authorization: `Bearer ${await make()}` });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('answers 401 for an unknown API key and serves a known one in the public scope', async () => {
    expect((await post({ 'x-api-key': 'guess' })).status).toBe(401);
    const known = await post({ 'x-api-key': demoPortalApiKey });
    expect(known.status).toBe(200);
    const anonymous = await post({});
    expect(await known.json()).toEqual(await anonymous.json());
  });

  it('stops serving a token the moment it expires, though its verification was reused before', async () => {
    // No clock skew allowed, so the token's own expiry is the moment.
    const authenticator = await createAuthenticator({ ...demoIssuer, clockSkewSeconds: 0 }, { orgs: {}, apiKeys: [] });
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const headers = new Headers({ authorization: `Bearer ${await token({}, { expiresAt })}` });
    for (let i = 0; i < 3; i++) expect((await authenticator.authenticate(headers)).consumer.subject).toBe('tester');
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    await expect(authenticator.authenticate(headers)).rejects.toThrow(expect.objectContaining({ message: 'The bearer token has expired.', extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } }));
  });

  it('refuses a token that differs from a verified one only in its signature', async () => {
    const valid = await token({});
    expect((await post({ authorization: `Bearer ${valid}` })).status).toBe(200);
    const [header, payload, signature] = valid.split('.');
    const forged = `${header}.${payload}.${signature!.slice(0, -4)}${signature!.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    expect((await post({ authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('serves a valid demo token', async () => {
    const response = await post({ authorization: `Bearer ${demoTokens['macao-health-researcher']}` });
    expect(response.status).toBe(200);
    expect((await response.json()).data.search.totalCount).toBeGreaterThan(0);
  });
});

describe('API key rate limit', () => {
  it('answers 429 RATE_LIMITED once a key has used its requests for the minute', async () => {
    const { sha256Hex } = await import('../../gateway/identity/trustedRegistry.ts');
    const authenticator = await createAuthenticator(undefined, {
      orgs: {},
      apiKeys: [{ name: 'tiny', sha256: sha256Hex('tiny-key'), org: 'p', scope: 'public', rateLimitPerMinute: 3 }],
    });
    await using wharf = await startFixtureWharf({ authenticator });
    const burst = async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await fetch(wharf.wharf.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'tiny-key' }, body: '{"query":"{ regions { code } }"}' });
        statuses.push(response.status);
        if (response.status === 429) expect((await response.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
      }
      return statuses;
    };
    const minute = Math.floor(Date.now() / 60_000);
    let statuses = await burst();
    // A burst that straddles a minute boundary is cut in two windows: try once more.
    if (Math.floor(Date.now() / 60_000) !== minute) statuses = await burst();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
