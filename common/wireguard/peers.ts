// WireGuard peers: the peer schema (every field validated, so no value can smuggle a line
// into a configuration), the `[Peer]` text, adding and removing peers through the `wg` tool
// with every secret on stdin, and reading the interface's public state back (`wg show dump`,
// secret fields dropped as each line is split).
import { z } from 'zod';
import { runTool } from '../exec.js';
import { cidrFormat, hostPortFormat, wgKeySchema } from '../formats.js';
import { ifnameSchema, type WgContext } from './interface.js';

const cidrSchema = cidrFormat('not an address/prefix (CIDR)');
const endpointSchema = hostPortFormat('not HOST:PORT');

export const wgPeerSchema = z.object({
  publicKey: wgKeySchema,
  presharedKey: wgKeySchema.optional(),
  allowedIps: z.array(cidrSchema),
  endpoint: endpointSchema.optional(),
  persistentKeepalive: z.number().int().min(0).max(65535).optional(),
});
export type WgPeer = z.infer<typeof wgPeerSchema>;

/**
 * The `[Peer]` sections for `wg addconf`. Every field is validated first, so
 * no value can smuggle a line into the configuration.
 */
export function renderPeers(peers: readonly WgPeer[]): string {
  return peers.map((raw) => {
    const p = wgPeerSchema.parse(raw);
    const lines = ['[Peer]', `PublicKey = ${p.publicKey}`];
    if (p.presharedKey) lines.push(`PresharedKey = ${p.presharedKey}`);
    if (p.allowedIps.length) lines.push(`AllowedIPs = ${p.allowedIps.join(', ')}`);
    if (p.endpoint) lines.push(`Endpoint = ${p.endpoint}`);
    if (p.persistentKeepalive !== undefined) lines.push(`PersistentKeepalive = ${p.persistentKeepalive}`);
    return lines.join('\n') + '\n';
  }).join('');
}

/** Adds or updates peers (AllowedIPs replaced, PSK set) in ONE `wg addconf`, keys on stdin. */
export async function addPeers(ifname: string, peers: readonly WgPeer[], ctx: WgContext = {}): Promise<void> {
  if (peers.length === 0) return;
  await runTool('wg', ['addconf', ifnameSchema.parse(ifname), '/dev/stdin'], { stdin: renderPeers(peers), netns: ctx.netns, stdinByPath: true });
}

/** Removes peers in ONE `wg set` (public keys are not secret; unknown keys are ignored). */
export async function removePeers(ifname: string, publicKeys: readonly string[], ctx: WgContext = {}): Promise<void> {
  if (publicKeys.length === 0) return;
  const args = ['set', ifnameSchema.parse(ifname)];
  for (const k of publicKeys) args.push('peer', wgKeySchema.parse(k), 'remove');
  await runTool('wg', args, { netns: ctx.netns });
}

// Reading state

export interface WgPeerStatus {
  publicKey: string;
  endpoint: string | null;
  allowedIps: string[];
  latestHandshakeMs: number;
  rxBytes: number;
  txBytes: number;
}

export interface WgDump {
  publicKey: string;
  listenPort: number;
  peers: WgPeerStatus[];
}

/**
 * Parses `wg show IF dump`. The interface line's private key (field 0) and each peer's
 * preshared key (field 1) are dropped as each line is split, before anything else sees it.
 */
export function parseDump(text: string): WgDump {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0) throw new Error('wg dump: empty output');
  const [, publicKey, listenPort] = lines[0].split('\t');
  if (publicKey === undefined || listenPort === undefined) throw new Error('wg dump: malformed interface line');
  const peers = lines.slice(1).map((line, i): WgPeerStatus => {
    const [key, , endpoint, allowed, handshake, rx, tx] = line.split('\t');
    if (tx === undefined) throw new Error(`wg dump: malformed peer line ${i + 1}`);
    return {
      publicKey: key,
      endpoint: endpoint === '(none)' ? null : endpoint,
      allowedIps: allowed === '(none)' ? [] : allowed.split(','),
      latestHandshakeMs: Number(handshake) * 1000,
      rxBytes: Number(rx),
      txBytes: Number(tx),
    };
  });
  return { publicKey: publicKey === '(none)' ? '' : publicKey, listenPort: Number(listenPort), peers };
}

/** The interface's public state with every secret field stripped. */
export async function dump(ifname: string, ctx: WgContext = {}): Promise<WgDump> {
  return parseDump(await runTool('wg', ['show', ifnameSchema.parse(ifname), 'dump'], { netns: ctx.netns }));
}
