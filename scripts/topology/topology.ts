// Network namespaces for end-to-end tests, benchmarks and the demo: hosts joined through
// switches (a bridge in a namespace of its own), with unique short names per run so that
// runs on one machine never collide (wireguard-go's sockets in /var/run/wireguard are shared
// by all namespaces), and a cleanup that removes everything the run made, by process id,
// even when the run fails or is interrupted.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { runTool } from '../../common/exec.js';
import { socketPath } from '../../common/wireguard/interface.js';

export interface HostLink {
  /** The switch this host's next ethN plugs into. */
  switch: string;
  /** Address with prefix, e.g. 198.18.0.2/24. */
  address: string;
  /** An IPv6 address with prefix as well, e.g. fd20::10/64 (usable at once: no duplicate address detection). */
  address6?: string;
}

export interface HostSpec {
  links: HostLink[];
  routes?: { to: string; via: string }[];
  /** Forward IPv6 between its links (a router; IPv4 forwarding is the gateway agent's own doing). */
  ipv6Forwarding?: boolean;
}

export interface TopologyOptions {
  switches: string[];
  hosts: Record<string, HostSpec>;
}

export interface ExecOptions {
  stdin?: string;
  timeoutMs?: number;
}

const ROLE = /^[a-z0-9]{1,8}$/;

export class Topology {
  private readonly pids = new Set<number>();
  private readonly ifnames = new Set<string>();
  private readonly roles: string[];
  private cleaned = false;
  private readonly onExit = () => this.cleanup();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  constructor(readonly suffix: string, roles: string[]) {
    this.roles = roles;
    process.on('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** The namespace of a host or switch role (`wk<suffix>-<role>`, at most 15 characters). */
  ns(role: string): string {
    if (!this.roles.includes(role)) throw new Error(`no host or switch named ${role} in this topology`);
    return `wk${this.suffix}-${role}`;
  }

  /** Whether this topology has a host or switch named `role`. */
  has(role: string): boolean {
    return this.roles.includes(role);
  }

  /** A machine-unique interface name for this run (`wk<suffix><tag>`); its socket is cleaned up. */
  ifname(tag: string): string {
    const name = `wk${this.suffix}${tag}`;
    if (!/^[a-z0-9]{1,9}$/.test(tag)) throw new Error(`interface tag must be 1-9 of a-z 0-9: ${tag}`);
    this.ifnames.add(name);
    return name;
  }

  /** Runs a command in a host's namespace and returns its stdout. */
  exec(role: string, cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
    return runTool(cmd, args, { netns: this.ns(role), stdin: opts.stdin, timeoutMs: opts.timeoutMs });
  }

  /** Starts a long-lived process in a host's namespace; it is killed by pid at cleanup. */
  spawn(role: string, cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', this.ns(role), cmd, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
    if (child.pid !== undefined) this.pids.add(child.pid);
    child.on('exit', () => { if (child.pid !== undefined) this.pids.delete(child.pid); });
    return child;
  }

  /** Stops tracking a pid (its owner killed it on purpose and will not reuse it). */
  forget(pid: number): void {
    this.pids.delete(pid);
  }

  /**
   * Kills what the run started (tracked pids, then every process left in its namespaces —
   * wireguard-go daemons included), deletes the namespaces and the run's leftover
   * wireguard-go sockets. Synchronous so it can run from an exit handler; idempotent.
   */
  /**
   * Joins a host to the machine's own (root) namespace with a veth pair, so that a program on
   * the machine (a browser) can reach it: the root side gets `rootCidr`, the host `hostCidr`.
   * Deleting the host's namespace at cleanup deletes the pair.
   */
  async linkToMachine(role: string, rootCidr: string, hostCidr: string): Promise<void> {
    const root = `wk${this.suffix}-m`;
    await runTool('ip', ['-b', '-'], { stdin: `link add ${root} type veth peer name mach0 netns ${this.ns(role)}\naddr add ${rootCidr} dev ${root}\nlink set ${root} up\n` });
    await runTool('ip', ['-n', this.ns(role), '-b', '-'], { stdin: `addr add ${hostCidr} dev mach0\nlink set mach0 up\n` });
  }

  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    const kill = (pid: number) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch { /* already gone */ }
    };
    this.pids.forEach(kill);
    const namespaces = this.roles.map((r) => this.ns(r)).filter((ns) => existsSync(`/run/netns/${ns}`));
    for (const ns of namespaces) {
      const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
      for (const pid of (r.stdout ?? '').split('\n').filter(Boolean)) kill(Number(pid));
    }
    for (const ns of namespaces) spawnSync('ip', ['netns', 'del', ns]);
    // Every process of our namespaces is gone, and the names are this run's own.
    for (const name of this.ifnames) rmSync(socketPath(name), { force: true });
  }
}

function newSuffix(): string {
  for (;;) {
    const s = randomBytes(2).toString('hex');
    const taken = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).includes(`wk${s}-`);
    if (!taken) return s;
  }
}

/** Builds the namespaces, switches, veth pairs, addresses and routes. */
export async function createTopology(opts: TopologyOptions): Promise<Topology> {
  const roles = [...opts.switches, ...Object.keys(opts.hosts)];
  for (const r of roles) if (!ROLE.test(r)) throw new Error(`role names are 1-8 of a-z 0-9: ${r}`);
  if (new Set(roles).size !== roles.length) throw new Error('host and switch names must be distinct');
  const topo = new Topology(newSuffix(), roles);
  try {
    // One `ip -b` for the namespaces and every veth pair, created straight in place.
    const root: string[] = roles.map((r) => `netns add ${topo.ns(r)}`);
    for (const [host, spec] of Object.entries(opts.hosts)) {
      spec.links.forEach((l, i) => {
        if (!opts.switches.includes(l.switch)) throw new Error(`host ${host}: no switch ${l.switch}`);
        root.push(`link add eth${i} netns ${topo.ns(host)} type veth peer name ${host} netns ${topo.ns(l.switch)}`);
      });
    }
    await runTool('ip', ['-b', '-'], { stdin: root.join('\n') + '\n' });
    // Then one `ip -n NS -b` per namespace.
    const perNs = new Map<string, string[]>(roles.map((r) => [r, ['link set lo up']]));
    for (const sw of opts.switches) perNs.get(sw)!.push('link add br0 type bridge', 'link set br0 up');
    for (const [host, spec] of Object.entries(opts.hosts)) {
      spec.links.forEach((l, i) => {
        perNs.get(host)!.push(`addr add ${l.address} dev eth${i}`, `link set eth${i} up`);
        if (l.address6) perNs.get(host)!.push(`addr add ${l.address6} dev eth${i} nodad`);
        perNs.get(l.switch)!.push(`link set ${host} master br0`, `link set ${host} up`);
      });
      for (const r of spec.routes ?? []) perNs.get(host)!.push(`route add ${r.to} via ${r.via}`);
    }
    // A switch carrying IPv6 floods multicast: with snooping and no querier on the bridge,
    // neighbour discovery would stop reaching hosts once the snooped memberships age out.
    const v6Switches = new Set(Object.values(opts.hosts).flatMap((h) => h.links.filter((l) => l.address6).map((l) => l.switch)));
    for (const sw of v6Switches) perNs.get(sw)!.push('link set br0 type bridge mcast_snooping 0');
    await Promise.all([...perNs].map(([role, lines]) => runTool('ip', ['-n', topo.ns(role), '-b', '-'], { stdin: lines.join('\n') + '\n' })));
    const routers = Object.entries(opts.hosts).filter(([, spec]) => spec.ipv6Forwarding).map(([host]) => host);
    // /proc/sys/net is the writer's own namespace's (no procps needed).
    await Promise.all(routers.map((host) => topo.exec(host, 'sh', ['-c', 'echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'])));
    return topo;
  } catch (e) {
    topo.cleanup();
    throw e;
  }
}

/** Addresses of the standard Wicket topology. */
export const WAN_PREFIX = 24;
export const LAN_PREFIX = 24;
export const ADDR = {
  ctl: '198.18.0.1',
  gw: '198.18.0.2',
  c1: '198.18.0.11',
  c2: '198.18.0.12',
  gwLan: '198.19.0.1',
  r1: '198.19.0.10',
  r2: '198.19.0.20',
  /** The controller on the link `linkToMachine` makes for a browser on the machine (`npm run demo -- --keep`). */
  ctlFromMachine: '198.18.1.2',
  machine: '198.18.1.1',
  /** The second gateway host (`secondGateway`), on the WAN and the same resource LAN. */
  gw2: '198.18.0.3',
  gw2Lan: '198.19.0.2',
  /** The resource LAN's DNS server (`dns`). */
  dns: '198.19.0.53',
  /** The second controller host (`secondController`), on the WAN. */
  ctl2: '198.18.0.4',
} as const;
export const LAN_CIDR = '198.19.0.0/24';
export const WAN_CIDR = '198.18.0.0/24';

/** IPv6 addresses of the resource LAN (`ipv6`): the same hosts, the same last digits. */
export const LAN6_PREFIX = 64;
export const LAN6_CIDR = 'fd20::/64';
export const ADDR6 = {
  gwLan: 'fd20::1',
  gw2Lan: 'fd20::2',
  r1: 'fd20::10',
  r2: 'fd20::20',
  dns: 'fd20::53',
} as const;

/** What the standard topology may have besides its hosts. */
export interface WicketTopologyOptions {
  /** IPv6 on the resource LAN (`ADDR6`), the gateways forwarding IPv6. */
  ipv6?: boolean;
  /** A DNS server host `dns` in the resource LAN (its program is the test's: `startDnsServer`). */
  dns?: boolean;
  /** A second gateway host `gw2` on the WAN and the resource LAN. */
  secondGateway?: boolean;
  /** A second controller host `ctl2` on the WAN (both controllers share one PostgreSQL). */
  secondController?: boolean;
}

/**
 * The standard topology: `wan` joins ctl, gw, c1 and c2; behind gw, `lan` joins r1 and r2.
 * Resources get no route to the overlay: the gateway's masquerade is what makes them answer
 * (over IPv6 too, and with two gateways each resource answers the one that forwarded).
 * Options add IPv6 on the LAN, a DNS server host, a second gateway host and a second
 * controller host.
 */
export function createWicketTopology(opts: WicketTopologyOptions = {}): Promise<Topology> {
  const wan = (a: string): HostLink => ({ switch: 'wan', address: `${a}/${WAN_PREFIX}` });
  const lan = (a: string, a6: string): HostLink => ({ switch: 'lan', address: `${a}/${LAN_PREFIX}`, ...(opts.ipv6 ? { address6: `${a6}/${LAN6_PREFIX}` } : {}) });
  const gateway = (w: string, l: string, l6: string): HostSpec => ({ links: [wan(w), lan(l, l6)], ...(opts.ipv6 ? { ipv6Forwarding: true } : {}) });
  return createTopology({
    switches: ['wan', 'lan'],
    hosts: {
      ctl: { links: [wan(ADDR.ctl)] },
      gw: gateway(ADDR.gw, ADDR.gwLan, ADDR6.gwLan),
      c1: { links: [wan(ADDR.c1)] },
      c2: { links: [wan(ADDR.c2)] },
      r1: { links: [lan(ADDR.r1, ADDR6.r1)] },
      r2: { links: [lan(ADDR.r2, ADDR6.r2)] },
      ...(opts.secondGateway ? { gw2: gateway(ADDR.gw2, ADDR.gw2Lan, ADDR6.gw2Lan) } : {}),
      ...(opts.dns ? { dns: { links: [lan(ADDR.dns, ADDR6.dns)] } } : {}),
      ...(opts.secondController ? { ctl2: { links: [wan(ADDR.ctl2)] } } : {}),
    },
  });
}
