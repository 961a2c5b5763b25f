// What a policy declares, for listings (ListResources, gateway views). Pure.
import type { Policy } from './policy.js';
import { formatPortSpec } from './ports.js';

export interface ResourceListing {
  name: string;
  /** The address as the policy normalises it ("10.20.0.10", "10.20.1.0/24", "db.internal"). */
  address: string;
  /** The ports as the language writes them ("tcp/443", "tcp/8000-8099", "icmp"). */
  ports: string[];
  gateway: string;
}

/** Every resource, in file order. */
export function resourcesOf(policy: Policy): ResourceListing[] {
  return [...policy.resources.values()].map((r) => ({ name: r.name, address: r.address.text, ports: r.ports.map(formatPortSpec), gateway: r.gateway }));
}

/** The gateways the policy declares (or, without a `gateways` key, those its resources name), sorted. */
export function gatewaysOf(policy: Policy): string[] {
  return [...policy.gateways];
}
