import { createHash, createHmac, createPublicKey, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/**
 * The signed ping a region sends to make the catalogue harvest it at once:
 * `POST /hooks/harvest` with body `{"region":"MO"}` and two headers,
 * `x-wharf-timestamp` (Unix seconds) and `x-wharf-signature`
 * (`sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the region's
 * shared secret). The timestamp is signed too, so a captured ping cannot be
 * replayed after `webhookToleranceSeconds`; within it, the gateway takes
 * each signed ping once (see `webhookReplayKey`). A region registered with an
 * Ed25519 public key signs instead with its private key:
 * `x-wharf-signature: ed25519=<base64 signature of "<timestamp>.<body>">`.
 */
export const webhookPath = '/hooks/harvest';
export const webhookToleranceSeconds = 300;

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

export function signWebhookWithKey(privateKey: KeyObject, body: string, timestampSeconds: number): string {
  return `ed25519=${sign(null, Buffer.from(`${timestampSeconds}.${body}`), privateKey).toString('base64')}`;
}

/** Headers and body of a ping for `region`, signed now with a shared secret or the region's Ed25519 private key. */
export function webhookRequest(region: string, secret: string | KeyObject, nowMs = Date.now()): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ region });
  const timestamp = Math.floor(nowMs / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-wharf-timestamp': String(timestamp),
      'x-wharf-signature': typeof secret === 'string' ? signWebhook(secret, body, timestamp) : signWebhookWithKey(secret, body, timestamp),
    },
  };
}

/** How a region's pings are checked: its shared secret, or its Ed25519 public key (PEM). */
export interface WebhookVerifier {
  secret?: string;
  publicKey?: string;
}

/**
 * Whether `signature` is the ping's signature under the region's secret (a
 * string) or public key, within the time tolerance.
 */
export function verifyWebhook(verifier: string | WebhookVerifier, body: string, timestamp: string | null, signature: string | null, nowMs = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > webhookToleranceSeconds) return false;
  const { secret, publicKey } = typeof verifier === 'string' ? { secret: verifier, publicKey: undefined } : verifier;
  if (publicKey && signature.startsWith('ed25519=')) {
    try {
      return verify(null, Buffer.from(`${timestamp}.${body}`), createPublicKey(publicKey), Buffer.from(signature.slice('ed25519='.length), 'base64'));
    } catch {
      return false;
    }
  }
  if (!secret) return false;
  const expected = Buffer.from(signWebhook(secret, body, Number(timestamp)));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * What makes a ping the same ping: its signed message (`<timestamp>.<body>`),
 * hashed, and until when it could verify (the end of its time tolerance,
 * plus a second for rounding), in epoch milliseconds. Keyed by the message,
 * not the signature header, so the same signature spelt another way
 * (base64 without padding, upper-case hex) is the same ping. A region that
 * pings twice in one second with the same body sends one ping.
 */
export function webhookReplayKey(body: string, timestamp: string): { key: string; expiresAtMs: number } {
  return {
    key: createHash('sha256').update(`${timestamp}.${body}`).digest('base64url'),
    expiresAtMs: (Number(timestamp) + webhookToleranceSeconds + 1) * 1000,
  };
}
