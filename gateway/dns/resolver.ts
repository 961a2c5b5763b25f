// The gateway's own view of DNS (the resource side's): a name's IPv4 and IPv6 addresses with
// their TTL, asked of the configured servers (`--dns-resolver`) or the system's. A name that
// does not exist or has no address records is an answer (no addresses); a server that does
// not answer or fails is an error, which the name table turns into "no addresses" (closed).
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { bigIntToIpv6, ipv6ToBigInt } from '../../common/ipv6.js';

/** What one resolution found: the addresses (IPv4 then IPv6) and the lowest TTL among them. */
export interface Resolution {
  addresses: string[];
  /** Seconds; undefined when there is no address (nothing to time). */
  ttlS: number | undefined;
}

/** What the name table needs of a resolver (tests may pass their own). */
export interface NameResolver {
  resolve(name: string): Promise<Resolution>;
}

/** Answers that say "no such address" rather than "the resolver failed". */
const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME']);

/**
 * Parses `--dns-resolver`: comma-separated `HOST[:PORT]` where HOST is an IP address
 * (`10.0.0.53`, `10.0.0.53:5353`, `fd00::53`, `[fd00::53]:5353`). Returns the list in the
 * form node's Resolver#setServers takes. Throws on anything else.
 */
export function parseResolverServers(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(part) ?? /^([0-9.]+)(?::(\d{1,5}))?$/.exec(part);
    const host = m ? m[1] : part;
    const port = m?.[2] === undefined ? undefined : Number(m[2]);
    if (isIP(host) === 0) throw new Error(`"${part}" is not HOST[:PORT] with HOST an IP address`);
    if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`"${part}": the port must be 1-65535`);
    if (port === undefined) out.push(host);
    else out.push(isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`);
  }
  if (out.length === 0) throw new Error('no resolver given');
  return out;
}

export class DnsResolver implements NameResolver {
  private readonly resolver: Resolver;

  /** @param servers as parseResolverServers returns them; undefined: the system's (/etc/resolv.conf) */
  constructor(servers?: readonly string[], timeoutMs = 2000) {
    // Two tries of a bounded wait: a dead resolver holds a name's refresh for seconds, not a minute.
    this.resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
    if (servers) this.resolver.setServers([...servers]);
  }

  async resolve(name: string): Promise<Resolution> {
    const [v4, v6] = await Promise.all([
      this.family(() => this.resolver.resolve4(name, { ttl: true })),
      this.family(() => this.resolver.resolve6(name, { ttl: true })),
    ]);
    const records = [...v4, ...v6.map((r) => ({ address: bigIntToIpv6(ipv6ToBigInt(r.address)), ttl: r.ttl }))];
    const addresses = [...new Set(records.map((r) => r.address))];
    return { addresses, ttlS: records.length === 0 ? undefined : Math.min(...records.map((r) => r.ttl)) };
  }

  private async family(ask: () => Promise<{ address: string; ttl: number }[]>): Promise<{ address: string; ttl: number }[]> {
    try {
      return await ask();
    } catch (e) {
      if (NO_DATA.has((e as NodeJS.ErrnoException).code ?? '')) return [];
      throw e;
    }
  }
}
