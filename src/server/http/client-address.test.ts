import { describe, expect, it } from 'vitest';
import { clientKey, proxyTrust, widerNetworks } from './client-address.js';

describe('the client key', () => {
  it('issue 12 item 3: is an IPv4 address itself, and the /64 of an IPv6 address', () => {
    expect(clientKey('203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
  });
});

describe('the wider networks of a client', () => {
  it('issue 14: are the /56 and /48 of an IPv6 address, and none of an IPv4 one', () => {
    expect(widerNetworks('2001:db8:abcd:12ff:1::5')).toEqual([
      '2001:db8:abcd:1200::/56',
      '2001:db8:abcd::/48',
    ]);
    expect(widerNetworks('203.0.113.9')).toEqual([]);
    expect(widerNetworks('::ffff:203.0.113.9')).toEqual([]);
  });
});

describe('trusting proxies', () => {
  it('issue 12 item 3: believes the nearest hops only, or the listed proxies only', () => {
    expect(proxyTrust(false)).toBe(false);
    const oneHop = proxyTrust({ hops: 1 });
    if (!oneHop) throw new Error('expected a trust function');
    expect(oneHop('198.51.100.1', 0)).toBe(true);
    expect(oneHop('198.51.100.1', 1)).toBe(false);
    const listed = proxyTrust({ addresses: ['10.0.0.0/8', '192.0.2.7', 'loopback', 'fd00::/8'] });
    if (!listed) throw new Error('expected a trust function');
    for (const proxy of ['10.1.2.3', '::ffff:10.1.2.3', '192.0.2.7', '127.0.0.1', '::1', 'fd00::5'])
      expect(listed(proxy, 0), proxy).toBe(true);
    for (const other of ['192.0.2.8', '11.0.0.1', '2001:db8::1', 'not an address'])
      expect(listed(other, 0), other).toBe(false);
  });
});
