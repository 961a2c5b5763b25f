// The client's local WireGuard interface behind a narrow interface: create it with the
// overlay address, one peer per gateway and routes for the entitled destinations only;
// apply live changes (peers through `wg`, one `ip -batch` for the route diff); destroy it.
import { addPeers, dump, removePeers, type WgDump } from '../common/wireguard/peers.js';
import { createInterface, deleteInterface, type WgContext } from '../common/wireguard/interface.js';
import { runTool } from '../common/exec.js';
import { diffRoutes, type TunnelPlan } from './plan.js';

export interface TunnelOps {
  create(ifname: string, privateKey: string, address: string, plan: TunnelPlan): Promise<void>;
  /** Replaces the peers and moves routes from `currentRoutes` to the plan's. */
  update(ifname: string, address: string, plan: TunnelPlan, currentRoutes: readonly string[]): Promise<void>;
  destroy(ifname: string): Promise<void>;
  stats(ifname: string): Promise<WgDump>;
}

/** `ip -batch` lines installing routes through the interface, sourced from the overlay address. */
export function routeCommands(ifname: string, address: string, add: readonly string[], remove: readonly string[]): string[] {
  const v6 = (a: string) => a.includes(':');
  return [
    ...add.map((r) => `route replace ${r} dev ${ifname}${v6(r) === v6(address) ? ` src ${address}` : ''}`),
    ...remove.map((r) => `route del ${r} dev ${ifname}`),
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
      const prefix = address.includes(':') ? 128 : 32;
      await ipBatch([`address replace ${address}/${prefix} dev ${ifname}`, ...routeCommands(ifname, address, plan.routes, [])], ctx);
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
