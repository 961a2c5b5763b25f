// The data plane's seam to WireGuard peers: list them, remove some, add or update some (each
// call one request or one process; an empty list does nothing). wireguard-go interfaces are
// driven through their control socket, kernel ones through `wg`; tests use the recording
// fake beside this file (peer-driver.fake.ts).
import { addPeers, dump, removePeers, type WgPeer, type WgPeerStatus } from '../../common/wireguard/peers.js';
import { uapiSetPeers } from '../../common/wireguard/uapi.js';

/** wireguard-go refuses the 65,537th peer of an interface (its MaxPeers). */
export const WIREGUARD_GO_MAX_PEERS = 1 << 16;
/** The kernel module's limit per interface (MAX_PEERS_PER_DEVICE). */
export const KERNEL_MAX_PEERS = 1 << 20;

export interface PeerDriver {
  /** The most peers the interface takes: a plan above it is refused before anything changes. */
  readonly maxPeers: number;
  /** The interface's peers now (public state only). */
  list(): Promise<WgPeerStatus[]>;
  remove(publicKeys: readonly string[]): Promise<void>;
  add(peers: readonly WgPeer[]): Promise<void>;
}

/** Peers of a kernel WireGuard interface, through the `wg` tool. */
export const wgToolPeers = (ifname: string): PeerDriver => ({
  maxPeers: KERNEL_MAX_PEERS,
  list: async () => (await dump(ifname)).peers,
  remove: (keys) => removePeers(ifname, keys),
  add: (peers) => addPeers(ifname, peers),
});

/** Peers of a wireguard-go interface: changes on its control socket, the listing through `wg`. */
export const uapiPeers = (ifname: string): PeerDriver => ({
  maxPeers: WIREGUARD_GO_MAX_PEERS,
  list: async () => (await dump(ifname)).peers,
  remove: (keys) => uapiSetPeers(ifname, keys, []),
  add: (peers) => uapiSetPeers(ifname, [], peers),
});
