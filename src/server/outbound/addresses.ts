import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses and hosts Faro's outbound requests may reach: pure rules,
 * no I/O. Only global unicast addresses are public; loopback, private
 * (RFC 1918), link-local (and with it the cloud metadata address
 * 169.254.169.254), unique-local IPv6, carrier-grade NAT, multicast, reserved
 * and documentation ranges, and IPv6 forms that embed an IPv4 address
 * (NAT64, 6to4, Teredo) never are.
 */

export type AddressKind = 'public' | 'loopback' | 'refused';

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** What an IP address (v4 or v6, as DNS or a URL gives it) is, for an outbound request. */
export function addressKind(address: string): AddressKind {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return 'refused';
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === 'loopback') return 'loopback';
  if (range !== 'unicast') return 'refused';
  if (parsed.kind() === 'ipv6' && !(parsed as ipaddr.IPv6).match(GLOBAL_UNICAST_V6)) return 'refused';
  return 'public';
}

/** A host name as URLs carry it, compared without case, brackets or a final dot. */
export function bareHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

/** Whether the host is an IP literal rather than a name to resolve. */
export const isAddressLiteral = (hostname: string) => isIP(bareHost(hostname)) !== 0;

/** `localhost`, a name under it, or a loopback address: this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = bareHost(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isIP(host) !== 0 && addressKind(host) === 'loopback';
}

/**
 * Whether a host is on a list of allowed hosts: an entry `push.example` is
 * that host exactly, `*.push.example` any name under it (not itself).
 */
export function hostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const host = bareHost(hostname);
  return allowed.some((entry) => {
    const rule = bareHost(entry.trim());
    if (rule.startsWith('*.')) return host.endsWith(rule.slice(1)) && host.length > rule.length - 1;
    return host === rule;
  });
}
