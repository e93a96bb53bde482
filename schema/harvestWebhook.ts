import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed ping a region sends to make the catalogue harvest it at once:
 * `POST /hooks/harvest` with body `{"region":"MO"}` and two headers,
 * `x-wharf-timestamp` (Unix seconds) and `x-wharf-signature`
 * (`sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` under the region's
 * shared secret). The timestamp is signed too, so a captured ping cannot be
 * replayed after `webhookToleranceSeconds`.
 */
export const webhookPath = '/hooks/harvest';
export const webhookToleranceSeconds = 300;

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

/** Headers and body of a ping for `region`, signed now. */
export function webhookRequest(region: string, secret: string, nowMs = Date.now()): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify({ region });
  const timestamp = Math.floor(nowMs / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-wharf-timestamp': String(timestamp),
      'x-wharf-signature': signWebhook(secret, body, timestamp),
    },
  };
}

/** Whether `signature` is the ping's signature under `secret`, within the time tolerance. */
export function verifyWebhook(secret: string, body: string, timestamp: string | null, signature: string | null, nowMs = Date.now()): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > webhookToleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, Number(timestamp)));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
