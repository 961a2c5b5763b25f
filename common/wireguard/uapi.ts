// wireguard-go's configuration protocol ("UAPI": key=value lines over the unix socket
// /var/run/wireguard/IF.sock, the same protocol `wg` itself speaks to a userspace
// interface). Talking it directly saves the gateway a process per apply — `wg addconf`
// from node is sh + cat + wg, 5–15 ms of forks on a busy host — on its hottest path. The
// kernel module has no such socket; interfaces there keep using `wg` (common/wireguard/peers.ts).
// Keys travel as hex over the socket only, never through argv, logs or errors.
import { connect } from 'node:net';
import { wgKeySchema } from '../formats.js';
import { socketPath } from './interface.js';
import { wgPeerSchema, type WgPeer } from './peers.js';

const hex = (base64Key: string): string => Buffer.from(wgKeySchema.parse(base64Key), 'base64').toString('hex');

/**
 * One `set` request: the removals first, then each added or updated peer with its allowed
 * IPs replaced (as `wg addconf` does). Validated field by field, so no value can add a line.
 */
export function uapiSetText(remove: readonly string[], add: readonly WgPeer[]): string {
  const lines = ['set=1'];
  for (const k of remove) lines.push(`public_key=${hex(k)}`, 'remove=true');
  for (const raw of add) {
    const p = wgPeerSchema.parse(raw);
    lines.push(`public_key=${hex(p.publicKey)}`);
    if (p.presharedKey) lines.push(`preshared_key=${hex(p.presharedKey)}`);
    lines.push('replace_allowed_ips=true', ...p.allowedIps.map((a) => `allowed_ip=${a}`));
    if (p.endpoint) lines.push(`endpoint=${p.endpoint}`);
    if (p.persistentKeepalive !== undefined) lines.push(`persistent_keepalive_interval=${p.persistentKeepalive}`);
  }
  return lines.join('\n') + '\n\n';
}

/** The reply to a `set`: `errno=0` then an empty line; anything else is a failure. */
export function parseSetReply(reply: string): void {
  const m = /^errno=(-?\d+)\n\n$/.exec(reply);
  if (!m) throw new Error(`wireguard-go: unexpected reply to set: ${JSON.stringify(reply.slice(0, 80))}`);
  if (m[1] !== '0') throw new Error(`wireguard-go refused the configuration (errno ${m[1]})`);
}

/** Removes then adds peers on a wireguard-go interface in ONE request on its socket. */
export function uapiSetPeers(ifname: string, remove: readonly string[], add: readonly WgPeer[], timeoutMs = 30_000): Promise<void> {
  if (remove.length === 0 && add.length === 0) return Promise.resolve();
  const request = uapiSetText(remove, add);
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath(ifname));
    let reply = '';
    const timer = setTimeout(() => sock.destroy(new Error(`wireguard-go ${ifname}: no reply within ${timeoutMs} ms`)), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(request));
    sock.on('data', (d: string) => {
      reply += d;
      if (!reply.endsWith('\n\n')) return;
      clearTimeout(timer);
      sock.end();
      try {
        parseSetReply(reply);
        resolve();
      } catch (e) {
        reject(e as Error);
      }
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`wireguard-go ${ifname}: ${e.message}`));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      if (!reply.endsWith('\n\n')) reject(new Error(`wireguard-go ${ifname}: the socket closed before a reply`));
    });
  });
}
