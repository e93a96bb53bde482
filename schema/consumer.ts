import { createHash, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Who a request is for, as the gateway establishes it and vouches for it to
 * regions. Mechanisms come from the trusted registry, never from a token.
 */
export interface Consumer {
  /** `sub` of the token, `apikey:<name>` for a portal key, `anonymous` otherwise. */
  subject: string;
  authenticated: boolean;
  org: string;
  /** Where the data will be processed (ISO 3166-1, or ISO 3166-2 where it matters). */
  jurisdiction: string;
  roles: string[];
  /** Purpose stated in the token, used when a query names none. */
  purpose: string;
  /** Transfer mechanisms the org holds, from the trusted registry. */
  mechanisms: string[];
}

/** The public scope: anyone, unauthenticated. */
export const anonymousConsumer: Consumer = Object.freeze({
  subject: 'anonymous',
  authenticated: false,
  org: '',
  jurisdiction: '',
  roles: [],
  purpose: '',
  mechanisms: [],
}) as Consumer;

/**
 * What a policy decision may depend on, hashed: two consumers with the same
 * fingerprint get the same decisions, so decisions and anything cached from
 * them are keyed by it (never by the subject alone).
 */
export function policyFingerprint(consumer: Consumer): string {
  let fingerprint = fingerprints.get(consumer);
  if (fingerprint === undefined) fingerprints.set(consumer, (fingerprint = computeFingerprint(consumer)));
  return fingerprint;
}

/**
 * Fingerprints by consumer object: one request asks for its consumer's many
 * times (each cached entity, the search and answer caches, coalescing), and
 * a consumer is never changed once established.
 */
const fingerprints = new WeakMap<Consumer, string>();

function computeFingerprint(consumer: Consumer): string {
  const parts = [
    consumer.authenticated ? 1 : 0,
    consumer.org,
    consumer.jurisdiction,
    [...consumer.roles].sort().join(','),
    [...consumer.mechanisms].sort().join(','),
    consumer.purpose,
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

/** Header that carries the signed consumer from the gateway to a region. */
export const consumerHeader = 'x-wharf-consumer';
/** How long a signed consumer stays valid, in seconds: one request's life, not a session. */
export const consumerHeaderTtlSeconds = 60;

/** `<base64url payload>.<base64url Ed25519 signature>`, signed with the gateway's private key. */
export function signConsumer(consumer: Consumer, privateKey: KeyObject, nowMs = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ c: consumer, exp: Math.floor(nowMs / 1000) + consumerHeaderTtlSeconds })).toString('base64url');
  return `${payload}.${sign(null, Buffer.from(payload), privateKey).toString('base64url')}`;
}

export class ConsumerHeaderError extends Error {}

/**
 * The consumer in a header value, after checking the gateway's signature and
 * expiry; throws `ConsumerHeaderError` for anything else.
 */
export function verifyConsumer(header: string, publicKey: KeyObject, nowMs = Date.now()): Consumer {
  const [payload, signature, extra] = header.split('.');
  if (!payload || !signature || extra !== undefined) throw new ConsumerHeaderError('The consumer header is not "<payload>.<signature>".');
  if (!verify(null, Buffer.from(payload), publicKey, Buffer.from(signature, 'base64url'))) {
    throw new ConsumerHeaderError('The consumer header is not signed by the gateway.');
  }
  const { c, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c: Consumer; exp: number };
  if (typeof exp !== 'number' || exp * 1000 < nowMs) throw new ConsumerHeaderError('The consumer header has expired.');
  return c;
}
