import { createHash } from 'node:crypto';

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
