// The proxy's configuration, from the controller's GatewayConfig: the service address, the
// HTTP resources by hostname, and the signing key imported once (jose, ES256). Validated here,
// so that a bad entry is refused alone and named (never its key) instead of breaking the proxy.
import { importPKCS8, type CryptoKey } from 'jose';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';

export interface ProxyResource {
  name: string;
  /** The upstream's origin, "http(s)://HOST:PORT". */
  origin: string;
  hostname: string;
  /** Also served to browsers without the tunnel (gateway/clientless/). */
  public: boolean;
}

export interface SigningMaterial {
  kid: string;
  key: CryptoKey;
  /** The PEM it came from, to tell a rotation from a repeat (never logged). */
  pem: string;
}

export interface ProxyConfig {
  serviceAddress: string | undefined;
  /** By lower-case hostname. */
  resources: Map<string, ProxyResource>;
  issuer: string;
  signing: SigningMaterial | undefined;
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** An upstream's origin, or undefined when it is not a plain "http(s)://HOST[:PORT]". */
export function upstreamOrigin(upstream: string): string | undefined {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) return undefined;
  return url.origin;
}

/**
 * Validates a GatewayConfig. The signing key is imported only when it differs from the one in
 * `previous` (importing is the costly part, and a repeat must not look like a rotation).
 * `problems` names what was left out.
 */
export async function loadProxyConfig(c: GatewayConfig__Output, previous: ProxyConfig | undefined, problems: string[] = []): Promise<ProxyConfig> {
  const serviceAddress = c.serviceAddress === '' ? undefined : c.serviceAddress;
  if (serviceAddress !== undefined && !IPV4.test(serviceAddress)) {
    problems.push('service_address is not an IPv4 address');
    return { serviceAddress: undefined, resources: new Map(), issuer: c.issuer, signing: undefined };
  }
  const resources = new Map<string, ProxyResource>();
  for (const r of c.httpResources) {
    const hostname = r.hostname.toLowerCase();
    const origin = upstreamOrigin(r.upstream);
    if (!r.name) problems.push('an HTTP resource without a name');
    else if (!HOSTNAME.test(hostname)) problems.push(`resource ${r.name}: invalid hostname`);
    else if (!origin) problems.push(`resource ${r.name}: upstream is not http(s)://HOST:PORT`);
    else if (resources.has(hostname)) problems.push(`resource ${r.name}: hostname ${hostname} is already resource ${resources.get(hostname)!.name}'s`);
    else resources.set(hostname, { name: r.name, origin, hostname, public: r.public });
  }
  let signing: SigningMaterial | undefined;
  const k = c.signingKey;
  if (k && k.kid && k.privateKeyPem) {
    const prev = previous?.signing;
    if (prev && prev.kid === k.kid && prev.pem === k.privateKeyPem) signing = prev;
    else {
      try {
        signing = { kid: k.kid, key: await importPKCS8(k.privateKeyPem, 'ES256'), pem: k.privateKeyPem };
      } catch {
        problems.push(`signing key ${k.kid} is not an ES256 PKCS#8 key`);
      }
    }
  }
  return { serviceAddress, resources, issuer: c.issuer, signing };
}
