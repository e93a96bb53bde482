import { describe, expect, it } from 'vitest';
import { clientBucketOf, createClientAddress, normaliseAddress, TrustedProxyError } from '../../gateway/identity/clientAddress.ts';
import { ConfigError, loadConfig } from '../../gateway/loadConfig.ts';

/** A request from TCP peer `peer`, with `X-Forwarded-For: forwarded` when given, as the Node adapter presents it. */
function from(peer: string | undefined, forwarded?: string): [Request, unknown] {
  const request = new Request('http://gateway.test/graphql', { headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } });
  return [request, peer === undefined ? {} : { req: { socket: { remoteAddress: peer } } }];
}

describe('createClientAddress', () => {
  it('takes the TCP peer and ignores X-Forwarded-For when no proxy is trusted', () => {
    const addressOf = createClientAddress();
    expect(addressOf(...from('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
    expect(addressOf(...from('::ffff:198.51.100.7'))).toBe('198.51.100.7');
    expect(addressOf(...from(undefined, '203.0.113.9'))).toBe('unknown');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const addressOf = createClientAddress(['10.0.0.0/8']);
    expect(addressOf(...from('198.51.100.7', '203.0.113.9'))).toBe('198.51.100.7');
  });

  it('takes the right-most address that is not a trusted proxy, whatever the client wrote to the left of it', () => {
    const addressOf = createClientAddress(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);
    // The client claimed 1.1.1.1; the outer proxy appended the real peer, the inner one appended the outer proxy.
    expect(addressOf(...from('10.0.0.2', '1.1.1.1, 203.0.113.9, 192.0.2.1'))).toBe('203.0.113.9');
    expect(addressOf(...from('::ffff:10.0.0.2', '203.0.113.9'))).toBe('203.0.113.9');
    expect(addressOf(...from('fd00::5', '2001:db8::1, fd00::6'))).toBe('2001:db8::1');
    expect(addressOf(...from('10.0.0.2', '[2001:db8::2]:443'))).toBe('2001:db8::2');
    expect(addressOf(...from('10.0.0.2', '203.0.113.9:51000'))).toBe('203.0.113.9');
  });

  it('stops at the proxy that wrote a hop that is not an address, and at the left end of the chain', () => {
    const addressOf = createClientAddress(['10.0.0.0/8']);
    expect(addressOf(...from('10.0.0.2', 'not-an-address, 10.0.0.3'))).toBe('10.0.0.3');
    expect(addressOf(...from('10.0.0.2', '10.0.0.4, 10.0.0.3'))).toBe('10.0.0.4');
    expect(addressOf(...from('10.0.0.2'))).toBe('10.0.0.2');
  });

  it('refuses a trusted proxy entry that is neither an address nor a CIDR range, naming it', () => {
    expect(() => createClientAddress(['10.0.0.0/33'])).toThrow(new TrustedProxyError('10.0.0.0/33'));
    expect(() => createClientAddress(['proxy.internal'])).toThrow('Trusted proxy "proxy.internal" is neither an IP address nor a CIDR range');
  });
});

describe('clientBucketOf', () => {
  it('counts an IPv4 address alone and an IPv6 address by its /64', () => {
    expect(clientBucketOf('203.0.113.9')).toBe('203.0.113.9');
    expect(clientBucketOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientBucketOf('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(clientBucketOf('::1')).toBe('0:0:0:0::/64');
    expect(clientBucketOf('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(clientBucketOf('unknown')).toBe('unknown');
  });

  it('normalises what proxies write', () => {
    expect(['::FFFF:192.0.2.1', ' 192.0.2.1 ', '[2001:DB8::1]', 'nonsense'].map(normaliseAddress)).toEqual(['192.0.2.1', '192.0.2.1', '2001:db8::1', undefined]);
  });
});

describe('WHARF_TRUSTED_PROXIES', () => {
  it('reads comma-separated addresses and ranges, and refuses a bad entry naming the rule', () => {
    expect(loadConfig({ WHARF_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1,fd00::/8' }).WHARF_TRUSTED_PROXIES).toEqual(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);
    expect(loadConfig({}).WHARF_TRUSTED_PROXIES).toEqual([]);
    expect(() => loadConfig({ WHARF_TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' })).toThrow(ConfigError);
    expect(() => loadConfig({ WHARF_TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' })).toThrow('must be an IP address or a CIDR range');
  });
});
