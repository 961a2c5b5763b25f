// Keeps the identity-aware proxy in step with what the Sync stream applied: its callers
// (a snapshot replaces them, a delta upserts and removes) and its configuration. On a
// service address change the address goes on the WireGuard interface (the old one off), then
// the listener moves to ADDRESS:80; without an address or without HTTP resources the proxy
// does not listen at all. The signing key is imported once per change and never logged.
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import type { Logger } from '../../common/log.js';
import { PROXY_PORT } from '../dataplane/ruleset.js';
import { toCaller, type Caller } from '../proxy/callers.js';
import { loadProxyConfig, type ProxyConfig } from '../proxy/config.js';
import type { IdentityProxy } from '../proxy/proxy.js';
import type { PublicListener } from '../clientless/public-listener.js';
import type { AppliedChange, SyncObserver } from './sync.js';
import type { GatewaySession__Output } from '../../proto/generated/wicket/v1/GatewaySession.js';

export interface ProxyLinkOptions {
  proxy: IdentityProxy;
  /** Puts the service address on the WireGuard interface, removing the one before (undefined: none). */
  setServiceAddress(address: string | undefined): Promise<void>;
  /** Where the proxy listens for a service address (default ADDRESS:80; tests use loopback). */
  listenAt?: (serviceAddress: string) => { host: string; port: number };
  /** The public listener for browsers without the tunnel, when the gateway runs one. */
  clientless?: Pick<PublicListener, 'configure'>;
  log: Logger;
}

export class ProxyLink implements SyncObserver {
  private config: ProxyConfig | undefined;
  /** The address last put on the interface; undefined until the first configuration. */
  private address: { value: string | undefined } | undefined;
  /** "host:port" the proxy listens on, if it does. */
  private listeningOn: string | undefined;
  private readonly log: Logger;

  constructor(private readonly options: ProxyLinkOptions) {
    this.log = options.log.child({ module: 'proxy' });
  }

  async applied(change: AppliedChange): Promise<void> {
    const { proxy } = this.options;
    if (change.config) {
      // A failed step (ip, listen) must not keep the sessions below from being applied,
      // removals above all; the next configuration (every snapshot has one) retries it.
      await this.configure(change.config).catch((err: Error) => {
        this.log.error({ err: err.message }, 'the proxy could not be configured');
      });
    }
    if (!change.applied) {
      // Only shrink: the data plane's state is unknown until the next snapshot.
      if (change.kind === 'snapshot') {
        const keep = new Set(change.sessions.map((s) => s.id));
        proxy.removeSessions(proxy.callers.sessionIds().filter((id) => !keep.has(id)));
      } else {
        proxy.removeSessions(change.removes);
      }
      return;
    }
    const callers = this.callersOf(change.sessions);
    if (change.kind === 'snapshot') {
      proxy.replaceSessions(callers);
    } else {
      proxy.removeSessions(change.removes);
      proxy.upsertSessions(callers);
    }
  }

  private callersOf(sessions: readonly GatewaySession__Output[]): Caller[] {
    const out: Caller[] = [];
    const refused: string[] = [];
    for (const s of sessions) {
      try {
        out.push(toCaller(s, refused));
      } catch (err) {
        refused.push((err as Error).message);
      }
    }
    if (refused.length > 0) this.log.error({ refused }, 'HTTP grants refused: not served');
    return out;
  }

  private async configure(c: GatewayConfig__Output): Promise<void> {
    const { proxy } = this.options;
    const log = this.log;
    const problems: string[] = [];
    const next = await loadProxyConfig(c, this.config, problems);
    if (problems.length > 0) log.error({ problems }, 'gateway configuration: entries refused');
    if (next.signing && next.signing !== this.config?.signing) log.info({ kid: next.signing.kid }, 'assertion signing key loaded');
    proxy.setConfig(next);
    this.options.clientless?.configure(next, c.controllerJwks, c.signInUrl);
    this.config = next;
    const serve = next.serviceAddress !== undefined && next.resources.size > 0 ? next.serviceAddress : undefined;
    const at = serve === undefined ? undefined : (this.options.listenAt ?? ((a) => ({ host: a, port: PROXY_PORT })))(serve);
    const where = at && `${at.host}:${at.port}`;
    const moving = this.address === undefined || this.address.value !== next.serviceAddress;
    if (moving || where !== this.listeningOn) {
      await proxy.stopListening();
      this.listeningOn = undefined;
    }
    if (moving) {
      // Left unrecorded on failure, so the next configuration (every snapshot has one) retries.
      await this.options.setServiceAddress(next.serviceAddress);
      this.address = { value: next.serviceAddress };
      log.info({ serviceAddress: next.serviceAddress ?? null }, 'service address set');
    }
    if (at && where !== this.listeningOn) {
      await proxy.listen(at.host, at.port);
      this.listeningOn = where;
      log.info({ listen: where, resources: [...next.resources.values()].map((r) => r.name) }, 'proxy listening');
    }
  }
}
