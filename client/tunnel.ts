// The client's local WireGuard interface behind a narrow interface: create it with the
// overlay addresses (IPv4 and IPv6), one peer per gateway and routes for the entitled destinations only;
// apply live changes (peers through `wg`, one `ip -batch` for the route diff); destroy it.
import { addPeers, dump, removePeers, type WgDump } from '../common/wireguard/peers.js';
import { createInterface, deleteInterface, type WgContext } from '../common/wireguard/interface.js';
import { runTool } from '../common/exec.js';
import { diffRoutes, type TunnelPlan } from './plan.js';

/** The session's overlay addresses; ipv6 is '' when the controller gave none. */
export interface OverlayAddresses {
  ipv4: string;
  ipv6: string;
}

export interface TunnelOps {
  create(ifname: string, privateKey: string, address: OverlayAddresses, plan: TunnelPlan): Promise<void>;
  /** Replaces the peers (one `wg` change) and moves routes from `currentRoutes` to the plan's. */
  update(ifname: string, address: OverlayAddresses, plan: TunnelPlan, currentRoutes: readonly string[]): Promise<void>;
  destroy(ifname: string): Promise<void>;
  stats(ifname: string): Promise<WgDump>;
}

/** `ip -batch` lines installing routes through the interface, sourced from the overlay address of their family. */
export function routeCommands(ifname: string, address: OverlayAddresses, add: readonly string[], remove: readonly string[]): string[] {
  const src = (r: string) => (r.includes(':') ? address.ipv6 : address.ipv4);
  return [
    ...add.map((r) => `route replace ${r} dev ${ifname}${src(r) ? ` src ${src(r)}` : ''}`),
    ...remove.map((r) => `route del ${r} dev ${ifname}`),
  ];
}

/** `ip -batch` lines giving the interface its overlay addresses (IPv6 without duplicate detection: the link is point to point). */
export function addressCommands(ifname: string, address: OverlayAddresses): string[] {
  return [
    `address replace ${address.ipv4}/32 dev ${ifname}`,
    ...(address.ipv6 ? [`address replace ${address.ipv6}/128 dev ${ifname} nodad`] : []),
  ];
}

/** ONE `ip -batch -` for a list of commands (nothing to do for none). */
async function ipBatch(lines: readonly string[], ctx: WgContext): Promise<void> {
  if (lines.length === 0) return;
  await runTool('ip', ['-batch', '-'], { stdin: lines.join('\n') + '\n', netns: ctx.netns });
}

/**
 * The real tunnel: kernel WireGuard or wireguard-go through common/wireguard/, `ip` for the rest.
 * `netns` acts in a named network namespace (tests); by default in our own.
 */
export function systemTunnel(o: { stateDir?: string; netns?: string } = {}): TunnelOps {
  const ctx: WgContext = { netns: o.netns };
  return {
    async create(ifname, privateKey, address, plan) {
      await createInterface(ifname, { privateKey, stateDir: o.stateDir, netns: o.netns });
      await addPeers(ifname, plan.peers, ctx);
      await ipBatch([...addressCommands(ifname, address), ...routeCommands(ifname, address, plan.routes, [])], ctx);
    },
    async update(ifname, address, plan, currentRoutes) {
      // Not `wg syncconf`: a config without [Interface] PrivateKey and ListenPort resets both,
      // which would cut the session. addconf replaces each listed peer's AllowedIPs and keys;
      // peers no longer listed are removed by key, read back from the interface.
      const wanted = new Set(plan.peers.map((p) => p.publicKey));
      const stale = (await dump(ifname, ctx)).peers.map((p) => p.publicKey).filter((k) => !wanted.has(k));
      await addPeers(ifname, plan.peers, ctx);
      await removePeers(ifname, stale, ctx);
      const { add, remove } = diffRoutes(currentRoutes, plan.routes);
      await ipBatch(routeCommands(ifname, address, add, remove), ctx);
    },
    destroy: (ifname) => deleteInterface(ifname, ctx),
    stats: (ifname) => dump(ifname, ctx),
  };
}
