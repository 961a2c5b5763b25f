// The key under which a caller's address is throttled and its connections counted. An IPv6
// holder usually has a whole /64 (and any address in it for free), so IPv6 sources are
// grouped by their /64; IPv4-mapped IPv6 addresses count as the IPv4 address they carry.
import ipaddr from 'ipaddr.js';

export function sourceKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (ip.kind() === 'ipv4') return ip.toString();
  return `${(ip as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16)).join(':')}::/64`;
}
