// A recording PeerDriver for unit tests of the data plane's apply paths (no root, no
// WireGuard): it keeps the peer table in memory and records each change.
import type { WgPeer, WgPeerStatus } from '../../common/wireguard/peers.js';
import type { PeerDriver } from './peer-driver.js';

export class PeerDriverFake implements PeerDriver {
  /** The interface's peers, by public key (tests may seed stale ones). */
  readonly peers = new Map<string, WgPeer>();
  /** Each non-empty add, in order. */
  readonly added: WgPeer[][] = [];
  /** Each non-empty removal, in order. */
  readonly removed: string[][] = [];

  /**
   * @param log a call log shared with other fakes, to check the order of OS calls
   * @param maxPeers the interface's peer limit (default: none)
   */
  constructor(private readonly log: string[] = [], readonly maxPeers = Number.MAX_SAFE_INTEGER) {}

  async list(): Promise<WgPeerStatus[]> {
    return [...this.peers.values()].map((p) => ({
      publicKey: p.publicKey, endpoint: null, allowedIps: [...p.allowedIps], latestHandshakeMs: 0, rxBytes: 0, txBytes: 0,
    }));
  }

  async remove(publicKeys: readonly string[]): Promise<void> {
    if (publicKeys.length === 0) return;
    this.log.push('wg remove');
    this.removed.push([...publicKeys]);
    for (const k of publicKeys) this.peers.delete(k);
  }

  async add(peers: readonly WgPeer[]): Promise<void> {
    if (peers.length === 0) return;
    this.log.push('wg add');
    this.added.push([...peers]);
    for (const p of peers) this.peers.set(p.publicKey, p);
  }
}
