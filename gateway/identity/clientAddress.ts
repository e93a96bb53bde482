import { BlockList, isIP } from 'node:net';

/** How many `X-Forwarded-For` hops are read from the right, at most: a longer chain is cut there. */
const maxHops = 32;

/** The address of a request, given its headers and the server context the runtime passes to plugins. */
export type ClientAddressOf = (request: Request, serverContext: unknown) => string;

export class TrustedProxyError extends Error {
  constructor(readonly entry: string) {
    super(`Trusted proxy "${entry}" is neither an IP address nor a CIDR range such as 10.0.0.0/8 or fd00::/8.`);
    this.name = 'TrustedProxyError';
  }
}

/** `entry` as [address, prefix length, family], or undefined when it is not an address or CIDR range. */
export function parseTrustedProxy(entry: string): [string, number, 'ipv4' | 'ipv6'] | undefined {
  const [address = '', prefix, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (!version || rest.length) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefix === undefined) return [address, bits, version === 4 ? 'ipv4' : 'ipv6'];
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return undefined;
  return [address, Number(prefix), version === 4 ? 'ipv4' : 'ipv6'];
}

/**
 * An address as written by a proxy or the socket, made canonical enough to
 * count by: IPv4-mapped IPv6 (`::ffff:192.0.2.1`) becomes the IPv4 address,
 * a port or brackets some proxies add are dropped. Undefined when it is not an
 * IP address at all.
 */
export function normaliseAddress(raw: string): string | undefined {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(text);
  if (mapped) text = mapped[1]!;
  return isIP(text) ? text.toLowerCase() : undefined;
}

/** The eight 16-bit groups of an IPv6 address, as numbers. */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  // A trailing dotted quad (64:ff9b::192.0.2.1) is two groups.
  const quad = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...middle, ...right].map((group) => parseInt(group, 16));
}

/**
 * The bucket a client address is counted in: an IPv4 address as is, an IPv6
 * address by its /64 network. One subscriber or host usually holds a whole
 * /64, so counting single IPv6 addresses would let it take as many buckets
 * (and as much counter memory) as it likes.
 */
export function clientBucketOf(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = ipv6Groups(address).slice(0, 4);
  return `${groups.map((group) => group.toString(16)).join(':')}::/64`;
}

/**
 * Where each request comes from. Without trusted proxies, the TCP peer's
 * address, and `X-Forwarded-For` is ignored (any client can write it).
 * With them, when the peer is a trusted proxy, the chain in
 * `X-Forwarded-For` is read from the right, each hop appended by the proxy
 * in front of it: the first address that is not a trusted proxy is the
 * client. A hop that is not an address ends the walk at the proxy that wrote
 * it. Requests with no socket (in-process calls) are `unknown`.
 *
 * @param trustedProxies addresses and CIDR ranges (`10.0.0.0/8`, `fd00::/8`)
 *   of the proxies in front of the gateway; validated here, once
 */
export function createClientAddress(trustedProxies: readonly string[] = []): ClientAddressOf {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const parsed = parseTrustedProxy(entry);
    if (!parsed) throw new TrustedProxyError(entry);
    trusted.addSubnet(...parsed);
  }
  const isTrusted = (address: string) => trusted.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  return (request, serverContext) => {
    const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req?.socket;
    const peer = socket?.remoteAddress ? normaliseAddress(socket.remoteAddress) : undefined;
    if (!peer) return 'unknown';
    if (trustedProxies.length === 0 || !isTrusted(peer)) return peer;
    const hops = (request.headers.get('x-forwarded-for') ?? '').split(',').slice(-maxHops);
    let client = peer;
    for (let i = hops.length - 1; i >= 0 && isTrusted(client); i -= 1) {
      const hop = normaliseAddress(hops[i]!);
      if (!hop) break;
      client = hop;
    }
    return client;
  };
}
