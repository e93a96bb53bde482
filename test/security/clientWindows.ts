/**
 * Rate limits count in fixed one-minute windows, and the security tests
 * tell clients apart by `X-Forwarded-For` behind a trusted loopback proxy.
 */

let lastClient = 0;

/** A client address no other test of this process has used (TEST-NET-3, then TEST-NET-2). */
export function newClient(): string {
  lastClient += 1;
  return lastClient <= 254 ? `203.0.113.${lastClient}` : `198.51.100.${lastClient - 254}`;
}

/**
 * Runs `burst` again, with new clients, if it straddled a window boundary:
 * its counts were then split between two windows.
 */
export async function withinOneMinute<T>(burst: () => Promise<T>): Promise<T> {
  const minute = Math.floor(Date.now() / 60_000);
  const result = await burst();
  return Math.floor(Date.now() / 60_000) === minute ? result : burst();
}

/** The gateway's loopback peer: the proxy the fixtures trust, so `X-Forwarded-For` names the client. */
export const loopbackProxy = ['127.0.0.1'];
