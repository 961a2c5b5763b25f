// What `wicket status` shows, computed from the state files and the interface's counters:
// who is logged in, the session (or why the last one ended), each resource with its gateway
// (an HTTP resource as its URL and the gateway proxy's address it is reached through), and
// each gateway's handshake age and bytes. Pure, so the rendering is unit-tested.
import { formatDuration } from '../common/duration.js';
import { formatTable, formatTime } from '../common/cli.js';
import type { WgDump } from '../common/wireguard/peers.js';
import type { LoginState, SessionRecord } from './state.js';

export interface StatusReport {
  user: string | null;
  deviceId: string | null;
  deviceName: string | null;
  controller: string | null;
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
  gateways: { gateway: string; endpoint: string; allowedIps: string[]; latestHandshakeMs: number; handshakeAgeMs: number | null; rxBytes: number; txBytes: number }[];
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
      };
    }) : [],
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
    `address:  ${s.address}`,
    `expires:  ${until(s.expiresAtMs, now)}`,
    '',
  );
  const text = lines.join('\n');
  const resources = formatTable(['RESOURCE', 'GATEWAY', 'DESTINATION', 'PORTS', 'GRANT'],
    r.resources.map((x) => [x.resource, x.gateway, x.destination, x.ports, x.grant]));
  const gateways = formatTable(['GATEWAY', 'ENDPOINT', 'HANDSHAKE', 'RX', 'TX'],
    r.gateways.map((g) => [g.gateway, g.endpoint, g.handshakeAgeMs === null ? 'never' : `${formatDuration(Math.floor(g.handshakeAgeMs / 1000) * 1000)} ago`, g.rxBytes, g.txBytes]));
  const http = r.http.length === 0 ? '' : `${formatTable(['HTTP RESOURCE', 'GATEWAY', 'REACHED AS', 'METHODS', 'PATHS', 'GRANT'],
    r.http.map((x) => [x.resource, x.gateway, `${x.url} via ${x.via}`, x.methods.join(',') || 'all', x.paths.join(' ') || 'all', x.grant]))}\n`;
  return `${text}\n${resources}\n${http}${gateways}`;
}
