import { LRUCache } from 'lru-cache';
import { createRemoteJWKSet, importSPKI, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { anonymousConsumer, type Consumer } from '../../schema/consumer.ts';
import { WharfError } from '../../schema/errorCodes.ts';
import { sha256Hex, type ApiKeyEntry, type TrustedRegistry } from './trustedRegistry.ts';

export interface JwtOptions {
  issuer: string;
  audience: string;
  /** A JWKS URL, or a PEM public key (SPKI). */
  jwksUrl?: string;
  publicKeyPem?: string;
  /** @default 'RS256' for a PEM key; any the JWKS advertises otherwise */
  algorithm?: string;
  /**
   * Longest a token is accepted after its `iat`, in seconds, whatever its
   * `exp` says: a token that leaks stops working this long after it was
   * issued. Every token must carry `iat` and `exp`. @default 86400 (a day)
   */
  maxTokenAgeSeconds?: number;
  /** Clock difference tolerated between the issuer and the gateway on `exp`, `nbf` and `iat`, in seconds. @default 60 */
  clockSkewSeconds?: number;
}

/** See `JwtOptions.maxTokenAgeSeconds`. */
export const defaultMaxTokenAgeSeconds = 86_400;
/** See `JwtOptions.clockSkewSeconds`. */
export const defaultClockSkewSeconds = 60;

export interface Authenticator {
  /** The consumer a request is for, from its bearer token or API key; anonymous without either. */
  authenticate(headers: Headers): Promise<{ consumer: Consumer; apiKey?: ApiKeyEntry }>;
}

/**
 * How long a verified token's consumer is reused without checking its
 * signature again, at most; never past the token's `exp` nor its
 * `iat` + max age. It bounds how long a key removed from the JWKS keeps
 * working for tokens already seen.
 */
const verifiedTokenTtlMs = 60_000;
const verifiedTokenEntries = 10_000;

const unauthenticated = (message: string) => new WharfError('UNAUTHENTICATED', message, { http: { status: 401 } });

function stringClaim(payload: JWTPayload, name: string): string {
  const value = payload[name];
  return typeof value === 'string' ? value : '';
}

/** The message for a token `jose` refused, naming the claim and the rule it broke. */
function refusal(error: unknown, maxAgeSeconds: number, skewSeconds: number): WharfError {
  if (error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired) {
    const { claim, reason } = error;
    if (reason === 'missing' && (claim === 'exp' || claim === 'iat')) {
      return unauthenticated(`The bearer token has no "${claim}" claim; this gateway accepts only tokens with "iat" and "exp", for at most ${maxAgeSeconds} s after "iat".`);
    }
    if (claim === 'iat' && error instanceof joseErrors.JWTExpired) {
      return unauthenticated(`The bearer token was issued more than ${maxAgeSeconds} s ago ("iat"); this gateway accepts a token for at most ${maxAgeSeconds} s after it is issued.`);
    }
    if (claim === 'iat' || claim === 'nbf') {
      return unauthenticated(`The bearer token's "${claim}" is in the future, beyond the ${skewSeconds} s of clock skew this gateway allows.`);
    }
    if (error instanceof joseErrors.JWTExpired) return unauthenticated('The bearer token has expired.');
    return unauthenticated(`The bearer token's "${claim}" claim is not accepted here.`);
  }
  return unauthenticated('The bearer token is not signed by a key this gateway trusts.');
}

/**
 * Verifies bearer tokens with `jose` (signature, issuer, audience, `exp`
 * required, `iat` required and not in the future, age at most
 * `maxTokenAgeSeconds`, with `clockSkewSeconds` of tolerance) and portal API
 * keys by their hash; builds the consumer from the token's claims and the
 * trusted registry's mechanisms for the claimed org.
 */
export async function createAuthenticator(jwt: JwtOptions | undefined, registry: TrustedRegistry): Promise<Authenticator> {
  const maxAgeSeconds = jwt?.maxTokenAgeSeconds ?? defaultMaxTokenAgeSeconds;
  const skewSeconds = jwt?.clockSkewSeconds ?? defaultClockSkewSeconds;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1) throw new RangeError(`maxTokenAgeSeconds must be a whole number of seconds, at least 1; got ${maxAgeSeconds}.`);
  if (!Number.isInteger(skewSeconds) || skewSeconds < 0) throw new RangeError(`clockSkewSeconds must be a whole number of seconds, 0 or more; got ${skewSeconds}.`);
  let key: CryptoKey | ReturnType<typeof createRemoteJWKSet> | undefined;
  if (jwt?.jwksUrl) key = createRemoteJWKSet(new URL(jwt.jwksUrl));
  else if (jwt?.publicKeyPem) key = await importSPKI(jwt.publicKeyPem, jwt.algorithm ?? 'RS256');
  const keysByHash = new Map(registry.apiKeys.map((entry) => [entry.sha256, { entry, consumer: { ...anonymousConsumer, subject: `apikey:${entry.name}`, org: entry.org } }]));
  const mechanismsOf = (org: string) => registry.orgs[org]?.mechanisms ?? [];
  /**
   * Consumers of tokens already verified, by the token's hash: a signature
   * check costs more than serving a cached answer, and a client sends the
   * same token with every request. Refused tokens are never kept.
   */
  const verified = new LRUCache<string, Consumer>({ max: verifiedTokenEntries, ttl: verifiedTokenTtlMs });

  const verifyToken = async (token: string): Promise<Consumer> => {
    if (!key || !jwt) throw unauthenticated('This gateway accepts no bearer tokens; call anonymously or with an API key.');
    const tokenHash = sha256Hex(token);
    const known = verified.get(tokenHash);
    if (known) return known;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key, {
        issuer: jwt.issuer,
        audience: jwt.audience,
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: maxAgeSeconds,
        clockTolerance: skewSeconds,
        ...(jwt.algorithm ? { algorithms: [jwt.algorithm] } : {}),
      }));
    } catch (error) {
      throw refusal(error, maxAgeSeconds, skewSeconds);
    }
    const org = stringClaim(payload, 'org');
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((role): role is string => typeof role === 'string') : [];
    const consumer: Consumer = {
      subject: payload.sub ?? '',
      authenticated: true,
      org,
      jurisdiction: stringClaim(payload, 'jurisdiction'),
      roles,
      purpose: stringClaim(payload, 'purpose'),
      // Never from the token: the registry says what the org holds.
      mechanisms: mechanismsOf(org),
    };
    // Kept no longer than the token would pass the checks above without their clock-skew tolerance.
    const acceptedUntilMs = Math.min(payload.exp! * 1000, (payload.iat! + maxAgeSeconds) * 1000);
    const untilRefused = acceptedUntilMs - Date.now();
    if (untilRefused > 0) verified.set(tokenHash, Object.freeze(consumer), { ttl: Math.min(verifiedTokenTtlMs, untilRefused) });
    return consumer;
  };

  return {
    async authenticate(headers) {
      const authorization = headers.get('authorization');
      const apiKey = headers.get('x-api-key');
      if (authorization) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
        return { consumer: await verifyToken(match[1]!) };
      }
      if (apiKey) {
        const known = keysByHash.get(sha256Hex(apiKey));
        if (!known) throw unauthenticated('The API key is not known to this gateway.');
        return { consumer: known.consumer, apiKey: known.entry };
      }
      return { consumer: anonymousConsumer };
    },
  };
}
