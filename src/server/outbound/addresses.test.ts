import { describe, expect, it } from 'vitest';
import { addressKind, hostAllowed, isLoopbackHost } from './addresses.js';

describe('issue 12 item 7: which addresses outbound requests may reach', () => {
  it('takes only global unicast addresses as public', () => {
    for (const address of ['8.8.8.8', '151.101.1.69', '2606:4700:4700::1111', '2a00:1450:4001:82b::200a'])
      expect(addressKind(address), address).toBe('public');
  });

  it('tells loopback apart, v4, v6 and v4 inside v6', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(addressKind(address), address).toBe('loopback');
  });

  it('refuses private, link-local, metadata, CGNAT, unique-local and other special ranges', () => {
    for (const address of [
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254', // cloud metadata
      '100.64.0.1', // carrier-grade NAT
      '100.100.100.200', // a cloud's metadata, inside CGNAT
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '192.0.2.10', // documentation
      '198.18.0.1', // benchmarking
      'fd00:ec2::254', // a cloud's IPv6 metadata (unique-local)
      'fc00::1',
      'fe80::1',
      '::',
      'ff02::1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a00:1', // NAT64 of 10.0.0.1
      '2002:a00:1::1', // 6to4 of 10.0.0.1
      '2001:db8::1',
      'not an address',
    ])
      expect(addressKind(address), address).toBe('refused');
  });

  it('matches hosts exactly, or any name under a *. entry', () => {
    const allowed = ['fcm.googleapis.com', '*.notify.windows.com'];
    expect(hostAllowed('fcm.googleapis.com', allowed)).toBe(true);
    expect(hostAllowed('FCM.googleapis.com.', allowed)).toBe(true);
    expect(hostAllowed('evil.fcm.googleapis.com', allowed)).toBe(false);
    expect(hostAllowed('fcm.googleapis.com.evil.example', allowed)).toBe(false);
    expect(hostAllowed('wns2-by3p.notify.windows.com', allowed)).toBe(true);
    expect(hostAllowed('notify.windows.com', allowed)).toBe(false);
    expect(hostAllowed('evilnotify.windows.com', allowed)).toBe(false);
  });

  it('knows this machine by name and by address', () => {
    for (const host of ['localhost', 'a.localhost', '127.0.0.1', '[::1]'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['localhost.example', '10.0.0.1', 'fcm.googleapis.com'])
      expect(isLoopbackHost(host)).toBe(false);
  });
});
