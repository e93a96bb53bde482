import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { demoIdentityEnv, demoIssuer, demoTokensPath } from '../../gateway/demo/demoIdentity.ts';
import { createAuthenticator, type JwtOptions } from '../../gateway/identity/authenticate.ts';
import { createAuthenticatorFromConfig } from '../../gateway/identity/createAuthenticatorFromConfig.ts';
import { loadConfig } from '../../gateway/loadConfig.ts';

const demoKey = await importPKCS8(readFileSync(new URL('../../gateway/demo/identity/jwt-es256-private.pem', import.meta.url), 'utf8'), 'ES256');
const registry = { orgs: {}, apiKeys: [] };
const now = () => Math.floor(Date.now() / 1000);
const hour = 3600;

/** A demo-issuer token with `iat` and `exp` as given, in seconds since the epoch; a claim left undefined is left out. */
function token(times: { iat?: number; exp?: number }): Promise<string> {
  const jwt = new SignJWT({ org: 'macao-health-bureau' }).setProtectedHeader({ alg: 'ES256' }).setSubject('tester').setIssuer(demoIssuer.issuer).setAudience(demoIssuer.audience);
  if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
  if (times.exp !== undefined) jwt.setExpirationTime(times.exp);
  return jwt.sign(demoKey);
}

/** What an authenticator with `options` (on the demo key) says of `bearer`: the subject, or the refusal. */
async function outcome(bearer: string, options: Partial<JwtOptions> = {}) {
  const authenticator = await createAuthenticator({ ...demoIssuer, maxTokenAgeSeconds: undefined, ...options }, registry);
  return verdict(authenticator, bearer);
}

async function verdict(authenticator: Awaited<ReturnType<typeof createAuthenticator>>, bearer: string) {
  try {
    return { subject: (await authenticator.authenticate(new Headers({ authorization: `Bearer ${bearer}` }))).consumer.subject };
  } catch (error) {
    const { message, extensions } = error as { message: string; extensions: Record<string, unknown> };
    return { refused: message, code: extensions.code };
  }
}

describe('bearer token lifetime', () => {
  it('refuses a token without "exp", which would otherwise be accepted forever', async () => {
    expect(await outcome(await token({ iat: now() }))).toEqual({
      refused: 'The bearer token has no "exp" claim; this gateway accepts only tokens with "iat" and "exp", for at most 86400 s after "iat".',
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses a token without "iat", whose age cannot be bounded', async () => {
    expect(await outcome(await token({ exp: now() + hour }))).toEqual({
      refused: 'The bearer token has no "iat" claim; this gateway accepts only tokens with "iat" and "exp", for at most 86400 s after "iat".',
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses a token issued in the future beyond the clock skew, and accepts one within it', async () => {
    expect(await outcome(await token({ iat: now() + 300, exp: now() + hour }))).toEqual({
      refused: 'The bearer token\'s "iat" is in the future, beyond the 60 s of clock skew this gateway allows.',
      code: 'UNAUTHENTICATED',
    });
    expect(await outcome(await token({ iat: now() + 30, exp: now() + hour }))).toEqual({ subject: 'tester' });
  });

  it('refuses a token older than the maximum age though its "exp" is still ahead', async () => {
    expect(await outcome(await token({ iat: now() - 25 * hour, exp: now() + hour }))).toEqual({
      refused: 'The bearer token was issued more than 86400 s ago ("iat"); this gateway accepts a token for at most 86400 s after it is issued.',
      code: 'UNAUTHENTICATED',
    });
    expect(await outcome(await token({ iat: now() - 23 * hour, exp: now() + hour }))).toEqual({ subject: 'tester' });
    expect(await outcome(await token({ iat: now() - 2 * hour, exp: now() + hour }), { maxTokenAgeSeconds: hour })).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stops serving a verified token from its cache once the token passes the maximum age', async () => {
    const authenticator = await createAuthenticator({ ...demoIssuer, maxTokenAgeSeconds: 1, clockSkewSeconds: 0 }, registry);
    const issuedAt = now();
    const bearer = await token({ iat: issuedAt, exp: issuedAt + hour });
    expect(await verdict(authenticator, bearer)).toEqual({ subject: 'tester' });
    expect(await verdict(authenticator, bearer)).toEqual({ subject: 'tester' });
    await new Promise((resolve) => setTimeout(resolve, (issuedAt + 2) * 1000 - Date.now() + 50));
    expect(await verdict(authenticator, bearer)).toEqual({
      refused: 'The bearer token was issued more than 1 s ago ("iat"); this gateway accepts a token for at most 1 s after it is issued.',
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses bad settings naming them', async () => {
    await expect(createAuthenticator({ ...demoIssuer, maxTokenAgeSeconds: 0 }, registry)).rejects.toThrow('maxTokenAgeSeconds must be a whole number of seconds, at least 1; got 0.');
    await expect(createAuthenticator({ ...demoIssuer, clockSkewSeconds: -1 }, registry)).rejects.toThrow('clockSkewSeconds must be a whole number of seconds, 0 or more; got -1.');
  });

  it('takes the maximum age from WHARF_JWT_MAX_TOKEN_AGE_SECONDS, a day by default', async () => {
    const env = { ...demoIdentityEnv, WHARF_JWT_MAX_TOKEN_AGE_SECONDS: undefined };
    expect(loadConfig(env).WHARF_JWT_MAX_TOKEN_AGE_SECONDS).toBe(86_400);
    const authenticator = await createAuthenticatorFromConfig(loadConfig({ ...env, WHARF_JWT_MAX_TOKEN_AGE_SECONDS: '600' }));
    expect(await verdict(authenticator, await token({ iat: now() - 900, exp: now() + hour }))).toMatchObject({ refused: expect.stringContaining('more than 600 s ago'), code: 'UNAUTHENTICATED' });
    expect(await verdict(authenticator, await token({ iat: now() - 300, exp: now() + hour }))).toEqual({ subject: 'tester' });
  });

  it('accepts every committed demo token with the demo issuer and its environment', async () => {
    const tokens = JSON.parse(readFileSync(demoTokensPath, 'utf8')) as Record<string, string>;
    const direct = await createAuthenticator(demoIssuer, registry);
    const configured = await createAuthenticatorFromConfig(loadConfig(demoIdentityEnv));
    for (const bearer of Object.values(tokens)) {
      expect(await verdict(direct, bearer)).toHaveProperty('subject');
      expect(await verdict(configured, bearer)).toHaveProperty('subject');
    }
    expect(Object.keys(tokens)).toHaveLength(6);
  });
});
