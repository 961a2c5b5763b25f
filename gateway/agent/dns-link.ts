// Keeps the gateway's DNS service on the service address the controller configured: it
// listens on ADDRESS:53 (udp and tcp) once the address is on the interface (the proxy link puts
// it there; this link runs after it) and moves when the address does. It listens whether or
// not any session holds a name: clients probe every gateway's service for health.
// It also checks the controller's IPv6 service address against the gateway's --overlay-ipv6
// prefix: the controller derives every session's IPv6 overlay address from its own prefix, so
// a mismatch means no session gets IPv6 here; said once per configured address, naming both.
import { isIP } from 'node:net';
import { DEFAULT_OVERLAY_IPV6, ipv6Range, ipv6ToBigInt } from '../../common/ipv6.js';
import { DNS_PORT } from '../../common/dns-names.js';
import type { Logger } from '../../common/log.js';
import type { AppliedChange, SyncObserver } from './sync.js';

export interface DnsLinkOptions {
  service: { listen(host: string, port: number): Promise<void>; close(): Promise<void> };
  /** Where the service listens for a service address (default ADDRESS:53; tests use loopback). */
  listenAt?: (serviceAddress: string) => { host: string; port: number };
  log: Logger;
  /** The gateway's IPv6 overlay prefix (default DEFAULT_OVERLAY_IPV6). */
  overlayIpv6?: string;
}

export class DnsLink implements SyncObserver {
  /** "host:port" listened on, if any. */
  private listeningOn: string | undefined;
  /** The controller's IPv6 service address last checked. */
  private checkedIpv6 = '';
  private readonly log: Logger;

  constructor(private readonly options: DnsLinkOptions) {
    this.log = options.log.child({ module: 'dns' });
  }

  async applied(change: AppliedChange): Promise<void> {
    if (!change.config) return;
    this.checkIpv6(change.config.serviceAddressIpv6);
    const address = isIP(change.config.serviceAddress) === 4 ? change.config.serviceAddress : undefined;
    const at = address === undefined ? undefined : (this.options.listenAt ?? ((a) => ({ host: a, port: DNS_PORT })))(address);
    const where = at && `${at.host}:${at.port}`;
    if (where === this.listeningOn) return;
    await this.options.service.close();
    this.listeningOn = undefined;
    if (!at) return;
    try {
      await this.options.service.listen(at.host, at.port);
      this.listeningOn = where;
      this.log.info({ listen: where }, 'dns service listening');
    } catch (err) {
      // Left unrecorded, so the next configuration (every snapshot has one) tries again.
      this.log.error({ listen: where, err: (err as Error).message }, 'the dns service could not listen');
    }
  }

  private checkIpv6(address: string): void {
    if (address === this.checkedIpv6) return;
    this.checkedIpv6 = address;
    if (address === '') return;
    const prefix = this.options.overlayIpv6 ?? DEFAULT_OVERLAY_IPV6;
    const [first, last] = ipv6Range(prefix);
    let a: bigint | undefined;
    try {
      a = ipv6ToBigInt(address);
    } catch {
      a = undefined;
    }
    if (a === undefined || a < first || a > last) {
      this.log.error({ serviceAddressIpv6: address, overlayIpv6: prefix },
        `the controller's IPv6 service address ${address} is outside this gateway's --overlay-ipv6 ${prefix}: give both the same prefix, or sessions get no IPv6 here`);
    }
  }

  async close(): Promise<void> {
    this.listeningOn = undefined;
    await this.options.service.close();
  }
}
