import ipaddr from 'ipaddr.js';
import type { TrustProxy } from '../config.js';

/**
 * The client key: what "one client" means for every per-address rule (rate
 * limits, the sign-in source back-off, connections at once). An IPv4 address
 * is itself (an IPv4-mapped IPv6 address counts as its IPv4 address); an IPv6
 * address counts as its /64, because one household or phone is given a whole
 * /64 and can pick a new address in it for every request.
 */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  const prefix = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...prefix, 0, 0, 0, 0]).toString()}/64`;
}

/**
 * The wider networks an IPv6 client sits in (its /56 and /48: what one
 * subscriber or one tunnel is commonly given), for a limit that a client
 * hopping between its many /64s must not slip past. None for IPv4.
 */
export function widerNetworks(address: string): string[] {
  if (!ipaddr.isValid(address)) return [];
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return [];
  const parts = (parsed as ipaddr.IPv6).parts;
  const masked = (bits: 48 | 56) => {
    const kept = parts.slice(0, 4).map((part, index) => {
      const from = index * 16;
      if (from + 16 <= bits) return part;
      if (from >= bits) return 0;
      return part & (0xffff << (16 - (bits - from)));
    });
    return `${new ipaddr.IPv6([...kept, 0, 0, 0, 0]).toString()}/${bits}`;
  };
  return [masked(56), masked(48)];
}

/** The client key of a request (its address as Fastify resolved it through the trusted proxies). */
export const clientKeyOf = (request: { ip: string }): string => clientKey(request.ip);

/** The named ranges TRUST_PROXY accepts (the names Express and Fastify use). */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Whether X-Forwarded-For may be believed from a hop, as Fastify's
 * `trustProxy` function: `hop` 0 is the peer of the socket, 1 the address that
 * peer reported, and so on. With a hop count, the nearest N hops are believed
 * (so Faro must be reachable only through its proxies); with addresses, only
 * those addresses and networks.
 */
export function proxyTrust(trust: TrustProxy): ((address: string, hop: number) => boolean) | false {
  if (trust === false) return false;
  if ('hops' in trust) return (_address, hop) => hop < trust.hops;
  const ranges = trust.addresses
    .flatMap((entry) => NAMED_RANGES[entry] ?? [entry])
    .map((entry) => {
      if (ipaddr.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
      const ip = ipaddr.process(entry);
      return [ip, ip.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number];
    });
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    const ip = ipaddr.process(address);
    return ranges.some(
      ([network, bits]) => network.kind() === ip.kind() && ip.match([network, bits] as never),
    );
  };
}
