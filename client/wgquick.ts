// Renders a session as a standard wg-quick file, so an official WireGuard app can carry it.
// Pure: the caller decides where the text goes (stdout only, on the user's explicit request).
import type { TunnelPeer } from './plan.js';

export interface WgQuickInput {
  sessionId: string;
  expiresAtMs: number;
  privateKey: string;
  /** The overlay address, without prefix length. */
  address: string;
  /** The IPv6 overlay address ('' or absent without one). */
  addressIpv6?: string;
  peers: readonly (TunnelPeer & { gateway: string })[];
}

/** The wg-quick(8) text: [Interface] with PrivateKey and Address, one [Peer] per gateway. */
export function renderWgQuick(s: WgQuickInput): string {
  const prefix = s.address.includes(':') ? 128 : 32;
  const lines = [
    `# Wicket session ${s.sessionId}, expires ${new Date(s.expiresAtMs).toISOString()}.`,
    '# Contains secret keys: keep this file private (chmod 600).',
    '[Interface]',
    `PrivateKey = ${s.privateKey}`,
    `Address = ${s.address}/${prefix}${s.addressIpv6 ? `, ${s.addressIpv6}/128` : ''}`,
  ];
  for (const p of s.peers) {
    lines.push(
      '',
      `# gateway ${p.gateway}`,
      '[Peer]',
      `PublicKey = ${p.publicKey}`,
      `PresharedKey = ${p.presharedKey}`,
      `Endpoint = ${p.endpoint}`,
      `AllowedIPs = ${p.allowedIps.join(', ')}`,
      `PersistentKeepalive = ${p.persistentKeepalive}`,
    );
  }
  return lines.join('\n') + '\n';
}
