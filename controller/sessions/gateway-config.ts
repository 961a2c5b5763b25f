// What a gateway is configured with besides its sessions (GatewayConfig): its service
// addresses (IPv4 and its IPv6 twin), the policy's HTTP resources it fronts, its current signing key, the issuer, the
// controller's own public keys and where browsers sign in. Built whenever a snapshot or a
// config check needs it; the fan-out sends it only when it changed.
import type { GatewayConfig } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import type { HttpResource } from '../../proto/generated/wicket/v1/HttpResource.js';
import type { Policy } from '../policy/index.js';

/** The HTTP resources of the policy that `gateway` fronts, by name. */
export function httpResourcesOn(policy: Policy | undefined, gateway: string): HttpResource[] {
  if (!policy) return [];
  const out: HttpResource[] = [];
  for (const r of policy.resources.values()) {
    if (r.gateway === gateway && r.http) out.push({ name: r.name, upstream: r.http.upstream, hostname: r.http.hostname, public: r.http.public });
  }
  return out.sort((a, b) => (a.name! < b.name! ? -1 : 1));
}

export interface GatewayConfigSources {
  policy: () => Policy | undefined;
  serviceAddress: (gateway: string) => Promise<string> | string;
  /** The IPv6 twin of a service address ('' for none). */
  ipv6Of: (serviceAddress: string) => string;
  /** The gateway's current signing key (made when it has none). */
  signingKey: (gateway: string) => Promise<{ kid: string; privatePem: string }> | { kid: string; privatePem: string };
  /** The JWKS document of the controller's own keys. */
  controllerJwks: () => Promise<string> | string;
  issuer: () => string;
  signInUrl: () => string;
}

export async function gatewayConfig(src: GatewayConfigSources, gateway: string): Promise<GatewayConfig> {
  const key = await src.signingKey(gateway);
  const serviceAddress = await src.serviceAddress(gateway);
  const controllerJwks = await src.controllerJwks();
  return {
    serviceAddress,
    serviceAddressIpv6: src.ipv6Of(serviceAddress),
    httpResources: httpResourcesOn(src.policy(), gateway),
    signingKey: { kid: key.kid, privateKeyPem: key.privatePem },
    issuer: src.issuer(),
    controllerJwks,
    signInUrl: src.signInUrl(),
  };
}
