// Port specifications of the policy language ("tcp/443", "udp/53", "tcp/8000-8099", "icmp"):
// parsing, canonical formatting and matching. Pure.

export type Protocol = 'tcp' | 'udp' | 'icmp';

/** One protocol and inclusive port range; icmp has no ports and is 0-0. */
export interface PortSpec {
  protocol: Protocol;
  portFrom: number;
  portTo: number;
}

const SPEC = /^(tcp|udp)\/([0-9]{1,5})(?:-([0-9]{1,5}))?$/;

/** Parses one port spec; returns the reason as a string when it is not valid. */
export function parsePortSpec(text: string): PortSpec | string {
  if (text === 'icmp') return { protocol: 'icmp', portFrom: 0, portTo: 0 };
  const m = SPEC.exec(text);
  if (!m) return `invalid port "${text}": use tcp/PORT, udp/PORT, tcp/FROM-TO or icmp`;
  const from = Number(m[2]);
  const to = m[3] === undefined ? from : Number(m[3]);
  for (const p of [from, to]) {
    if (p < 1 || p > 65535) return `invalid port "${text}": ports are 1-65535`;
  }
  if (to < from) return `invalid port range "${text}": ${from} is above ${to}`;
  return { protocol: m[1] as Protocol, portFrom: from, portTo: to };
}

/** The canonical text of a spec, as the language writes it ("tcp/443", "tcp/8000-8099", "icmp"). */
export function formatPortSpec(spec: PortSpec): string {
  if (spec.protocol === 'icmp') return 'icmp';
  const ports = spec.portFrom === spec.portTo ? `${spec.portFrom}` : `${spec.portFrom}-${spec.portTo}`;
  return `${spec.protocol}/${ports}`;
}

/** True when the two specs share a protocol and at least one port. */
export function portSpecsOverlap(a: PortSpec, b: PortSpec): boolean {
  return a.protocol === b.protocol && a.portFrom <= b.portTo && b.portFrom <= a.portTo;
}

/** True when `outer` covers every port of `inner`. */
export function portSpecCovers(outer: PortSpec, inner: PortSpec): boolean {
  return outer.protocol === inner.protocol && outer.portFrom <= inner.portFrom && inner.portTo <= outer.portTo;
}
