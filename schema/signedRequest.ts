import { createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Consumer } from './consumer.ts';

/**
 * How a region knows a request comes from its gateway, for whom, and that it
 * was meant for this region and this request: the gateway signs, with its
 * Ed25519 key, the region it addresses (`aud`), the method, the path and
 * query, a SHA-256 of the body, a short validity and a fresh nonce, and the
 * consumer the request is made for. The region checks every one of them and
 * remembers the nonces it has accepted until they expire, so a signature
 * captured anywhere (a hostile region the same client request also reached,
 * a log, a proxy) opens nothing: not at another region, not for another
 * request, not twice.
 *
 * The value is `<base64url JSON claims>.<base64url signature of those bytes>`
 * in the `x-wharf-request` header.
 */
export const signedRequestHeader = 'x-wharf-request';
/** How long a signature stays valid, in seconds: one fetch's life. */
export const signedRequestTtlSeconds = 30;
/** How far the gateway's clock may run ahead of the region's, in seconds. */
export const allowedClockSkewSeconds = 5;

/** A request the gateway makes to a region. */
export interface RegionRequest {
  /** The region code the request is for (its audience). */
  region: string;
  method: string;
  /** Path and query exactly as sent (`/changes?limit=500`). */
  target: string;
  /** The body as sent; none for GET. */
  body?: string | Uint8Array;
  /** Who the request is made for; none for the gateway's own requests (harvest), which regions treat as anonymous. */
  consumer?: Consumer;
}

interface Claims {
  v: 1;
  aud: string;
  m: string;
  t: string;
  b: string;
  iat: number;
  exp: number;
  n: string;
  c?: Consumer;
}

const emptyBodyHash = bodyHash('');

function bodyHash(body: string | Uint8Array | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('base64url');
}

/** The `x-wharf-request` value for `request`, signed now with the gateway's private key. */
export function signRegionRequest(privateKey: KeyObject, request: RegionRequest, nowMs = Date.now()): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: Claims = {
    v: 1,
    aud: request.region,
    m: request.method.toUpperCase(),
    t: request.target,
    b: request.body === undefined || request.body.length === 0 ? emptyBodyHash : bodyHash(request.body),
    iat,
    exp: iat + signedRequestTtlSeconds,
    n: randomBytes(16).toString('base64url'),
    ...(request.consumer ? { c: request.consumer } : {}),
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(null, Buffer.from(payload), privateKey).toString('base64url')}`;
}

/** Why a signed request was refused; the message says which check failed, never more. */
export class SignedRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignedRequestError';
  }
}

export interface VerifiedRegionRequest {
  /** The consumer the gateway signed for; undefined for the gateway's own requests. */
  consumer: Consumer | undefined;
}

/** Largest header value looked at, in characters: a consumer with every field filled stays far below it. */
const maxHeaderLength = 16_384;

/**
 * Checks an `x-wharf-request` value against the request as this region
 * received it: the gateway's signature, this region as the audience, the
 * same method, target and body, the validity window, and a nonce not seen
 * before (claimed in `replay`). Throws `SignedRequestError` otherwise.
 */
export function verifyRegionRequest(
  header: string,
  publicKey: KeyObject,
  received: Omit<RegionRequest, 'consumer'>,
  replay: ReplayGuard,
  nowMs = Date.now(),
): VerifiedRegionRequest {
  if (header.length > maxHeaderLength) throw new SignedRequestError('The request signature is too long.');
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) throw new SignedRequestError('The request signature is not "<claims>.<signature>".');
  if (!verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64url'))) {
    throw new SignedRequestError('The request is not signed by the gateway this region trusts.');
  }
  let claims: Claims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
  } catch {
    throw new SignedRequestError('The request signature does not carry readable claims.');
  }
  if (claims.v !== 1) throw new SignedRequestError('The request signature is of an unknown version.');
  if (claims.aud !== received.region) throw new SignedRequestError(`The request was signed for another region, not ${received.region}.`);
  if (claims.m !== received.method.toUpperCase() || claims.t !== received.target) {
    throw new SignedRequestError('The request was signed for another method or path.');
  }
  const hash = received.body === undefined || received.body.length === 0 ? emptyBodyHash : bodyHash(received.body);
  if (claims.b !== hash) throw new SignedRequestError('The request body is not the one signed.');
  const nowSeconds = nowMs / 1000;
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp - claims.iat > signedRequestTtlSeconds) {
    throw new SignedRequestError('The request signature has no valid time window.');
  }
  if (claims.iat > nowSeconds + allowedClockSkewSeconds) throw new SignedRequestError('The request signature is from the future.');
  if (claims.exp < nowSeconds) throw new SignedRequestError('The request signature has expired.');
  if (typeof claims.n !== 'string' || claims.n.length < 16 || !replay.claim(claims.n, (claims.exp + allowedClockSkewSeconds) * 1000, nowMs)) {
    throw new SignedRequestError('The request signature has been used before.');
  }
  return { consumer: claims.c };
}

/** Whether `header`'s claims carry `publicKey`'s signature (nothing else is checked, nothing remembered). */
export function signedBy(header: string, publicKey: KeyObject): boolean {
  if (header.length > maxHeaderLength) return false;
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) return false;
  return verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64url'));
}

/** The nonces a region has accepted, until they expire. */
export interface ReplayGuard {
  /** True the first time `nonce` is claimed (and remembers it until `expiresAtMs`); false after. */
  claim(nonce: string, expiresAtMs: number, nowMs: number): boolean;
  readonly size: number;
}

/**
 * A replay guard bounded to `maxEntries` nonces (about 100 bytes each). Only
 * the gateway can add one (each needs its signature), so the bound is met
 * only at more than `maxEntries / signedRequestTtlSeconds` signed requests a
 * second; past it the oldest nonce is forgotten first. @default 200000
 */
export function createReplayGuard(maxEntries = 200_000): ReplayGuard {
  // Insertion order is expiry order: every nonce lives the same time.
  const seen = new Map<string, number>();
  const sweep = (nowMs: number) => {
    for (const [nonce, expiresAtMs] of seen) {
      if (expiresAtMs > nowMs) break;
      seen.delete(nonce);
    }
  };
  return {
    claim(nonce, expiresAtMs, nowMs) {
      sweep(nowMs);
      if (seen.has(nonce)) return false;
      if (seen.size >= maxEntries) seen.delete(seen.keys().next().value!);
      seen.set(nonce, expiresAtMs);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
