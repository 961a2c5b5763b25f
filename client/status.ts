// What `wicket status` shows, computed from the state files and the interface's counters:
// who is logged in, the session (or why the last one ended), each resource with its gateway
// (an HTTP resource as its URL and the gateway proxy's address it is reached through), and
// each gateway's handshake age and bytes, health and what it carries now; the IPv6 overlay
// address and the session's DNS (forwarder, system resolver). Pure, so the rendering is
// unit-tested.
import { formatDuration } from '../common/duration.js';
import { formatTable, formatTime } from '../common/cli.js';
import type { WgDump } from '../common/wireguard/peers.js';
import type { LoginState, SessionRecord } from './state.js';

export interface StatusReport {
  user: string | null;
  deviceId: string | null;
  deviceName: string | null;
  /** The auth endpoint that took the login. */
  controller: string | null;
  /** Every controller's auth endpoint, in the order the client tries them. */
  controllers: string[];
  /** The API endpoint of the controller the session uses now (null without an active session). */
  controller_in_use: string | null;
  certExpiresAtMs: number;
  session: null | {
    id: string;
    state: string;
    endReason: string;
    endedAtMs: number;
    interface: string;
    address: string;
    createdAtMs: number;
    expiresAtMs: number;
    agentRunning: boolean;
  };
  /** Network resources (HTTP resources are in `http`). */
  resources: { resource: string; gateway: string; destination: string; protocol: string; ports: string; grant: string }[];
  /** HTTP resources: `url` is reached through the gateway's proxy at `via`; empty methods or paths: all. */
  http: { resource: string; gateway: string; url: string; via: string; methods: string[]; paths: string[]; grant: string }[];
  gateways: {
    gateway: string; endpoint: string; allowedIps: string[]; latestHandshakeMs: number; handshakeAgeMs: number | null; rxBytes: number; txBytes: number;
    /** Answering its probes (the agent's view); `connected`: holding its stream to the controller. */
    healthy: boolean;
    connected: boolean;
    /** The CIDRs routed to this gateway now (its own, a down primary's, learned DNS answers). */
    carries: string[];
    /** The CIDRs it takes over while their primary is down. */
    standby_for: string[];
  }[];
  /** The session's IPv6 overlay address (null without an active session or from a controller without IPv6). */
  overlay_ipv6: string | null;
  /** The DNS forwarder for the session's resource names ([] when the session has none). */
  dns: string[];
  /** What was done to the system resolver for those names, or why nothing was. */
  dns_setup: { resolver: 'resolvectl' | 'none'; domains: string[]; note: string };
}

function ports(protocol: string, from: number, to: number): string {
  if (protocol === 'icmp') return 'icmp';
  return from === to ? `${protocol}/${from}` : `${protocol}/${from}-${to}`;
}

export function buildStatus(login: LoginState | undefined, session: SessionRecord | undefined, stats: WgDump | undefined, agentRunning: boolean, now: number): StatusReport {
  const active = session?.state === 'active';
  const peers = new Map((stats?.peers ?? []).map((p) => [p.publicKey, p]));
  return {
    user: login?.username ?? null,
    deviceId: login?.deviceId ?? null,
    deviceName: login?.deviceName ?? null,
    controller: login?.controller ?? null,
    controllers: login ? login.controllers ?? [login.controller] : [],
    // A session from before controller lists used the login's API endpoint.
    controller_in_use: active ? session.controller || login?.apiEndpoint || null : null,
    certExpiresAtMs: login?.certExpiresAtMs ?? 0,
    session: session ? {
      id: session.sessionId, state: session.state, endReason: session.endReason, endedAtMs: session.endedAtMs,
      interface: session.interface, address: session.overlayAddress, createdAtMs: session.createdAtMs,
      expiresAtMs: session.expiresAtMs, agentRunning,
    } : null,
    resources: active ? session.entitlements.filter((e) => !e.http).map((e) => ({
      resource: e.resource, gateway: e.gateway, destination: e.destination, protocol: e.protocol,
      ports: ports(e.protocol, e.portFrom, e.portTo), grant: e.grant,
    })) : [],
    http: active ? session.entitlements.flatMap((e) => (e.http ? [{
      resource: e.resource, gateway: e.gateway, url: `http://${e.http.hostname}`, via: e.destination.replace(/\/32$/, ''),
      methods: e.http.methods, paths: e.http.paths, grant: e.grant,
    }] : [])) : [],
    gateways: active ? session.gateways.map((g) => {
      const p = peers.get(g.publicKey);
      const hs = p?.latestHandshakeMs ?? 0;
      return {
        gateway: g.gateway, endpoint: g.endpoint, allowedIps: g.allowedIps, latestHandshakeMs: hs,
        handshakeAgeMs: hs > 0 ? Math.max(0, now - hs) : null, rxBytes: p?.rxBytes ?? 0, txBytes: p?.txBytes ?? 0,
        healthy: g.healthy, connected: g.connected, carries: g.carries, standby_for: g.standbyIps,
      };
    }) : [],
    overlay_ipv6: active && session.overlayIpv6 ? session.overlayIpv6 : null,
    dns: active && session.dnsForwarder && session.gateways.some((g) => g.dnsNames.length > 0) ? [session.dnsForwarder] : [],
    dns_setup: active ? session.dnsSetup : { resolver: 'none', domains: [], note: 'no active session' },
  };
}

const until = (ms: number, now: number) => (ms > now ? `${formatTime(ms)} (in ${formatDuration(Math.floor((ms - now) / 1000) * 1000)})` : `${formatTime(ms)} (past)`);

/** The human-readable status. */
export function renderStatus(r: StatusReport, now: number): string {
  if (!r.user) return 'not logged in (run wicket login)\n';
  const lines = [
    `user:     ${r.user}`,
    `device:   ${r.deviceId}${r.deviceName ? ` (${r.deviceName})` : ''}`,
    `login:    ${r.controller}, certificate expires ${until(r.certExpiresAtMs, now)}`,
  ];
  const s = r.session;
  if (!s) return `${lines.join('\n')}\nsession:  none (run wicket up)\n`;
  if (s.state !== 'active') {
    lines.push(`session:  ${s.id} ${s.state} at ${formatTime(s.endedAtMs)}: ${s.endReason}`);
    return lines.join('\n') + '\n';
  }
  lines.push(
    `session:  ${s.id} active on ${s.interface}, agent ${s.agentRunning ? 'running' : 'NOT running (changes from the controller are not applied)'}`,
    `address:  ${s.address}${r.overlay_ipv6 ? `, ${r.overlay_ipv6}` : ''}`,
    ...(r.controllers.length > 1 && r.controller_in_use ? [`via:      controller ${r.controller_in_use} (of ${r.controllers.length})`] : []),
    `expires:  ${until(s.expiresAtMs, now)}`,
  );
  if (r.dns.length > 0 || r.dns_setup.domains.length > 0) {
    const how = r.dns_setup.resolver === 'resolvectl' ? `system resolver (resolvectl) sends ${r.dns_setup.domains.join(' ')} there` : r.dns_setup.note;
    lines.push(`dns:      ${r.dns.join(', ') || 'no forwarder'}; ${how}`);
  }
  lines.push('');
  const text = lines.join('\n');
  const resources = formatTable(['RESOURCE', 'GATEWAY', 'DESTINATION', 'PORTS', 'GRANT'],
    r.resources.map((x) => [x.resource, x.gateway, x.destination, x.ports, x.grant]));
  const health = (g: StatusReport['gateways'][number]) => (g.healthy ? 'up' : g.connected ? 'not answering' : 'disconnected');
  const gateways = formatTable(['GATEWAY', 'ENDPOINT', 'HEALTH', 'HANDSHAKE', 'RX', 'TX', 'CARRIES'],
    r.gateways.map((g) => [g.gateway, g.endpoint, health(g), g.handshakeAgeMs === null ? 'never' : `${formatDuration(Math.floor(g.handshakeAgeMs / 1000) * 1000)} ago`, g.rxBytes, g.txBytes, g.carries.join(' ')]));
  const http = r.http.length === 0 ? '' : `${formatTable(['HTTP RESOURCE', 'GATEWAY', 'REACHED AS', 'METHODS', 'PATHS', 'GRANT'],
    r.http.map((x) => [x.resource, x.gateway, `${x.url} via ${x.via}`, x.methods.join(',') || 'all', x.paths.join(' ') || 'all', x.grant]))}\n`;
  return `${text}\n${resources}\n${http}${gateways}`;
}
