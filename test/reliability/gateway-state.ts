// What a gateway actually enforces, read from its namespace (WireGuard peers from
// `wg show dump`, overlay addresses in the nftables tcp/udp allow sets), compared with what the
// controller's database says it must serve. Used to prove and time convergence after faults.
import type { Topology } from '../../scripts/topology/index.js';
import type { DbView } from './dbstate.js';

export interface Enforced { peers: Set<string>; addresses: Set<string> }

/** Peers (public keys) and allowed overlay addresses in force at the gateway. Key material other than public keys is never kept. */
export async function enforced(topo: Topology, ifname: string): Promise<Enforced> {
  const dump = await topo.exec('gw', 'wg', ['show', ifname, 'dump']);
  const peers = new Set(dump.trim().split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!));
  // Exact grants are in the hash set, ranges in the interval set.
  const set = (await Promise.all(['allow_exact', 'allow'].map((s) => topo.exec('gw', 'nft', ['list', 'set', 'inet', 'wicket', s])))).join('\n');
  // Elements read "100.64.0.2 . 198.19.0.10 . tcp . 80 ..." (or with a range); the overlay address comes first.
  const addresses = new Set([...set.matchAll(/(?:elements = \{|,)\s*(100\.\d+\.\d+\.\d+) \. /g)].map((m) => m[1]!));
  return { peers, addresses };
}

/** Differences between the database's live sessions for `gateway` and what is enforced; empty when converged. */
export function divergence(want: Map<string, string>, got: Enforced): string[] {
  const addresses = new Set(want.values());
  return [
    ...[...want.keys()].filter((k) => !got.peers.has(k)).map((k) => `missing peer ${k.slice(0, 8)}`),
    ...[...got.peers].filter((k) => !want.has(k)).map((k) => `stale peer ${k.slice(0, 8)}`),
    ...[...addresses].filter((a) => !got.addresses.has(a)).map((a) => `missing rules for ${a}`),
    ...[...got.addresses].filter((a) => !addresses.has(a)).map((a) => `stale rules for ${a}`),
  ];
}

/** Polls until the gateway enforces exactly the database's live sessions; resolves with the time it took. */
export async function converge(topo: Topology, ifname: string, db: () => DbView, gateway: string, timeoutMs: number, since = Date.now()): Promise<number> {
  let last: string[] = [];
  for (;;) {
    const v = db();
    const want = v.liveOn(gateway, Date.now());
    last = divergence(want, await enforced(topo, ifname));
    if (last.length === 0) return Date.now() - since;
    if (Date.now() - since > timeoutMs) throw new Error(`gateway did not converge within ${timeoutMs} ms: ${last.slice(0, 10).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
