// DNS names of resources, written once for the policy, the gateway's DNS service and the
// client's forwarder: normalisation (lower case, no trailing dot), the two forms a resource
// may use (a name, or a wildcard "*.suffix" covering every name below the suffix) and
// whether a queried name is covered by one of them. Pure.

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Lower case, without the trailing dot of a fully qualified name. */
export function normalizeDnsName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** True for a valid host name of at least two labels whose last label is not numeric. */
export function isDnsName(name: string): boolean {
  const labels = name.split('.');
  return name.length > 0 && name.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l)) && !/^[0-9]+$/.test(labels.at(-1)!);
}

/** True for "*.suffix" whose suffix is a valid name ("*.corp.internal"). */
export function isDnsWildcard(pattern: string): boolean {
  return pattern.startsWith('*.') && isDnsName(pattern.slice(2));
}

/** True for a rule destination that is a name or a wildcard (the gateway resolves it), not an address. */
export function isNameDestination(destination: string): boolean {
  return isDnsName(destination) || isDnsWildcard(destination);
}

/**
 * Whether `name` (normalised) is covered by `pattern` (a name or a wildcard, normalised): a
 * name covers itself; "*.corp.internal" covers every name ending in ".corp.internal", at any
 * depth, but not "corp.internal" itself.
 */
export function dnsNameMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) && name.length > pattern.length - 1;
  return pattern === name;
}

/**
 * The name clients ask each gateway's DNS service for, every second, to learn whether the
 * gateway still answers through the tunnel (redundant gateways). It is in `.invalid`
 * (RFC 6761), so it can never be a resource; the service answers NXDOMAIN and records no
 * denied attempt for it.
 */
export const PROBE_NAME = 'wicket-probe.invalid';

/** Where each gateway's DNS service listens on its service address (udp and tcp). */
export const DNS_PORT = 53;
