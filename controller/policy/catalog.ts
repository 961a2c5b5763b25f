// What a policy declares, for listings (ListResources, gateway views). Pure.
import type { HttpResourceSpec } from './http-resource.js';
import type { Policy } from './policy.js';
import { formatPortSpec } from './ports.js';

export interface ResourceListing {
  name: string;
  /**
   * The address as the policy normalises it ("10.20.0.10", "10.20.1.0/24", "fd20::/64",
   * "db.corp.internal", "*.corp.internal"); an HTTP resource's hostname.
   */
  address: string;
  /** The ports as the language writes them ("tcp/443", "tcp/8000-8099", "icmp"); tcp/80 for an HTTP resource. */
  ports: string[];
  /** The primary gateway, then the standbys in order (none for most resources). */
  gateway: string;
  standbyGateways: string[];
  http: HttpResourceSpec | null;
}

/** Every resource, in file order. */
export function resourcesOf(policy: Policy): ResourceListing[] {
  return [...policy.resources.values()].map((r) => (r.http
    ? { name: r.name, address: r.http.hostname, ports: ['tcp/80'], gateway: r.gateway, standbyGateways: [...r.standbyGateways], http: r.http }
    : { name: r.name, address: r.address.text, ports: r.ports.map(formatPortSpec), gateway: r.gateway, standbyGateways: [...r.standbyGateways], http: null }));
}

/** The gateways the policy declares (or, without a `gateways` key, those its resources name), sorted. */
export function gatewaysOf(policy: Policy): string[] {
  return [...policy.gateways];
}
