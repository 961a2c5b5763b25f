// The whole Wicket system in network namespaces, driven through its real command lines:
// a controller host, a gateway with a resource LAN (r1: web app + echo service, r2: a
// database-like echo service), two client hosts; optionally IPv6 on the LAN, a DNS server in
// it, a second gateway host and a second controller host (both controllers on one
// PostgreSQL, as operators run them). Used by the end-to-end suites, the benchmarks and the demo.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { totpCode } from '../../controller/auth/totp.js';
import { ADDR, createWicketTopology, startDnsServer, startServer, writeDnsRecords, type DnsRecords, type Program, type Topology, type WicketTopologyOptions } from './index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(ROOT, 'bin', name);
/** Extra node options for a service, for profiling: WICKET_CONTROLLER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p'. */
const nodeArgs = (envVar: string) => (process.env[envVar] ?? '').split(' ').filter(Boolean);

export const PORTS = { api: 7443, auth: 7444, console: 7445, wg: 51820, web: 80, echo: 7000, db: 5432, dbEcho: 7001 } as const;

/** The sample policy: alice reaches the web app (and its echo port); bob reaches both resources. */
export function samplePolicy(opts: { aliceTtl?: string; bobGetsDb?: boolean; alice?: boolean } = {}): string {
  const alice = opts.alice ?? true;
  return `gateways: [dc1]
groups:
  engineering: [${alice ? 'alice, ' : ''}bob]
  dba: [bob]
resources:
  webapp: { address: ${ADDR.r1}, ports: [tcp/${PORTS.web}, tcp/${PORTS.echo}], gateway: dc1 }
  database: { address: ${ADDR.r2}, ports: [tcp/${PORTS.db}, tcp/${PORTS.dbEcho}], gateway: dc1 }
grants:
  - name: eng-webapp
    to: [group:engineering]
    resources: [webapp]${opts.aliceTtl ? `\n    session_ttl: ${opts.aliceTtl}` : ''}
${opts.bobGetsDb === false ? '' : `  - name: dba-database
    to: [group:dba]
    resources: [database]
`}tests:
  - user: ${alice ? 'alice' : 'bob'}
    allow: [webapp:tcp/${PORTS.web}]
  - user: alice
    groups: []
    deny: [${alice ? '' : `webapp:tcp/${PORTS.web}, `}database:tcp/${PORTS.db}]
`;
}

/** A long-lived child process whose stderr lines are kept (JSON logs) for assertions. */
export class Service {
  readonly lines: string[] = [];
  exited = false;

  constructor(readonly name: string, readonly child: ChildProcess) {
    createInterface({ input: child.stderr! }).on('line', (l) => this.lines.push(l));
    createInterface({ input: child.stdout! }).on('line', (l) => this.lines.push(l));
    child.on('exit', () => { this.exited = true; });
  }

  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((l) => pattern.test(l))) {
      if (this.exited) throw new Error(`${this.name} exited:\n${this.lines.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: ${pattern} not seen within ${timeoutMs} ms:\n${this.lines.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends a signal and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await gone;
  }
}

/**
 * A controller of the system: `a` on host ctl (always there), `b` on host ctl2 (a topology
 * with `secondController`), each with its own copy of the data directory.
 */
export type ControllerName = 'a' | 'b';

/** Each controller's host and WAN address. */
const CONTROLLER_HOSTS: Record<ControllerName, { host: string; address: string }> = {
  a: { host: 'ctl', address: ADDR.ctl },
  b: { host: 'ctl2', address: ADDR.ctl2 },
};

/** Where a gateway runs: its host, state directory, WireGuard interface and endpoint. */
interface GatewayPlace { host: string; dir: string; ifname: string; endpoint: string }

/** The WAN address of each host a gateway may run on. */
const GATEWAY_HOSTS: Record<string, string> = { gw: ADDR.gw, gw2: ADDR.gw2 };

export interface UserCredentials {
  name: string;
  password: string;
  totpSecret: string;
}

export class WicketSystem {
  readonly dir: string;
  readonly dataDir: string;
  readonly gatewayDir: string;
  fingerprint = '';
  /** Controller a (host ctl); `controllers` has every controller started, b included. */
  controller?: Service;
  readonly controllers = new Map<ControllerName, Service>();
  gateway?: Service;
  readonly gatewayIf: string;
  readonly servers: Program[] = [];
  /** Every gateway started, by name (`gateway` is the one on host gw). */
  readonly gateways = new Map<string, Service>();
  /** The file the DNS server answers from (`startDnsServer`). */
  readonly dnsRecordsFile: string;
  private readonly places = new Map<string, GatewayPlace>();
  private readonly users = new Map<string, UserCredentials>();
  private readonly usedSteps = new Map<string, Set<number>>();

  private constructor(readonly topo: Topology, dirPrefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), dirPrefix));
    this.dataDir = join(this.dir, 'controller');
    this.gatewayDir = join(this.dir, 'gateway');
    this.gatewayIf = topo.ifname('g');
    this.dnsRecordsFile = join(this.dir, 'dns-records.json');
  }

  /**
   * Builds the topology (with what `topology` asks for besides the standard hosts); state
   * (controller data, gateway and client state) goes to a fresh `<tmp>/<dirPrefix>XXXXXX`.
   */
  static async create(dirPrefix = 'wicket-e2e-', topology: WicketTopologyOptions = {}): Promise<WicketSystem> {
    const topo = await createWicketTopology(topology);
    return new WicketSystem(topo, dirPrefix);
  }

  /** The DNS server of the resource LAN (host dns, port 53), answering `records`. */
  async startDnsServer(records: DnsRecords): Promise<Program> {
    const server = await startDnsServer(this.topo, 'dns', this.dnsRecordsFile, records);
    this.servers.push(server);
    return server;
  }

  /** Changes what the DNS server answers, from its next query on. */
  setDnsRecords(records: DnsRecords): void {
    writeDnsRecords(this.dnsRecordsFile, records);
  }

  /** Where gateway `name` runs: the first call fixes its host (gw: the standard state directory and interface). */
  private place(name: string, host: string): GatewayPlace {
    const known = this.places.get(name);
    if (known) {
      if (known.host !== host) throw new Error(`gateway ${name} runs on ${known.host}, not ${host}`);
      return known;
    }
    const endpoint = GATEWAY_HOSTS[host];
    if (!endpoint) throw new Error(`no gateway host ${host}`);
    if ([...this.places.values()].some((p) => p.host === host)) throw new Error(`host ${host} already runs a gateway`);
    const place = host === 'gw'
      ? { host, dir: this.gatewayDir, ifname: this.gatewayIf, endpoint }
      : { host, dir: join(this.dir, `gateway-${host}`), ifname: this.topo.ifname(host), endpoint };
    this.places.set(name, place);
    return place;
  }

  /** Runs one of Wicket's CLIs in a host's namespace and returns stdout (throws with stderr on failure). */
  run(role: string, program: string, args: string[], stdin?: string): Promise<string> {
    return this.topo.exec(role, process.execPath, [bin(program), ...args], { stdin, timeoutMs: 60_000 });
  }

  /**
   * `wicketctl` as the bootstrap admin, on host ctl: through controller a on loopback, or with
   * `via` through that controller list (in that order of preference, over the WAN).
   */
  wicketctl(args: string[], stdin?: string, via?: readonly ControllerName[]): Promise<string> {
    const target = via ? this.controllerList(via, PORTS.api) : `127.0.0.1:${PORTS.api}`;
    return this.run('ctl', 'wicketctl', ['--controller', target, '--credentials', join(this.dataDir, 'admin'), ...args], stdin);
  }

  async wicketctlJson<T>(args: string[], stdin?: string, via?: readonly ControllerName[]): Promise<T> {
    return JSON.parse(await this.wicketctl([...args, '--json'], stdin, via)) as T;
  }

  /** `HOST:PORT,...` of the named controllers' `port` on the WAN, in this order: what `--controller` takes. */
  controllerList(names: readonly ControllerName[], port: number): string {
    return names.map((n) => `${CONTROLLER_HOSTS[n].address}:${port}`).join(',');
  }

  /** A controller's data directory: controller a's is the one `init` wrote, b's a copy of it. */
  dataDirOf(name: ControllerName): string {
    return name === 'a' ? this.dataDir : join(this.dir, 'controller-b');
  }

  /** `wicket` for a user on a client host (state dir per user and host), with extra environment variables. */
  wicket(role: string, user: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<string> {
    const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const argv = [process.execPath, bin('wicket'), '--state-dir', this.stateDir(role, user), ...args];
    return vars.length
      ? this.topo.exec(role, 'env', [...vars, ...argv], { stdin, timeoutMs: 60_000 })
      : this.topo.exec(role, argv[0]!, argv.slice(1), { stdin, timeoutMs: 60_000 });
  }

  stateDir(role: string, user: string): string {
    return join(this.dir, `client-${role}-${user}`);
  }

  /** Resource servers: r1 serves the web app and an echo port, r2 the database-like services. */
  async startResources(): Promise<void> {
    this.servers.push(
      await startServer(this.topo, 'r1', 'http', PORTS.web, 'webapp says hello\n'),
      await startServer(this.topo, 'r1', 'tcp-echo', PORTS.echo),
      await startServer(this.topo, 'r2', 'tcp-echo', PORTS.db),
      await startServer(this.topo, 'r2', 'tcp-echo', PORTS.dbEcho),
    );
  }

  /**
   * `init` on host ctl. With a second controller host, the state must be in PostgreSQL
   * (WICKET_DATABASE_URL, which init and start read): the server certificate names both
   * controllers, and controller b gets a copy of the data directory (master key, CA, admin
   * credentials), as docs/operations.md tells operators to do.
   */
  async initController(): Promise<void> {
    const two = this.topo.has('ctl2');
    if (two && !process.env.WICKET_DATABASE_URL) throw new Error('two controllers share one PostgreSQL: set WICKET_DATABASE_URL (useThrowawayPostgres) before initController');
    const names = [ADDR.ctl, ADDR.ctlFromMachine, ...(two ? [ADDR.ctl2] : [])];
    const out = await this.run('ctl', 'wicket-controller', ['init', '--data-dir', this.dataDir, ...names.flatMap((n) => ['--hostname', n])]);
    const m = /[0-9a-f]{64}/.exec(out);
    if (!m) throw new Error(`init printed no fingerprint:\n${out}`);
    this.fingerprint = m[0];
    // (cpSync keeps the files' and directories' modes: 0700 and 0600, which start checks.)
    if (two) cpSync(this.dataDir, this.dataDirOf('b'), { recursive: true, preserveTimestamps: true });
  }

  /** Starts controller `name` (a unless told) with `extra` flags; resolves once it serves. */
  async startController(extra: string[] = [], name: ControllerName = 'a'): Promise<Service> {
    const child = this.topo.spawn(CONTROLLER_HOSTS[name].host, process.execPath, [...nodeArgs('WICKET_CONTROLLER_NODE_ARGS'), bin('wicket-controller'), 'start', '--data-dir', this.dataDirOf(name),
      '--listen', `0.0.0.0:${PORTS.api}`, '--auth-listen', `0.0.0.0:${PORTS.auth}`, ...extra]);
    const service = new Service(name === 'a' ? 'controller' : `controller ${name}`, child);
    if (name === 'a') this.controller = service;
    this.controllers.set(name, service);
    await service.waitFor(/controller started/, 30_000);
    return service;
  }

  async addUser(name: string, groups: string[] = [], opts: { admin?: boolean } = {}): Promise<UserCredentials> {
    const password = `pw-${name}-correct horse`;
    const args = ['user', 'add', name, '--password-stdin', ...groups.flatMap((g) => ['--group', g]), ...(opts.admin ? ['--admin'] : [])];
    const r = await this.wicketctlJson<{ name: string; totp_secret: string }>(args, password);
    const creds = { name, password, totpSecret: r.totp_secret };
    this.users.set(name, creds);
    return creds;
  }

  /** The password and TOTP secret `addUser` gave a user. */
  credentials(user: string): UserCredentials {
    const creds = this.users.get(user);
    if (!creds) throw new Error(`unknown user ${user}`);
    return creds;
  }

  /** A TOTP code for a time step this user has not used yet (the controller rejects replays). */
  async totp(user: string): Promise<string> {
    const creds = this.users.get(user);
    if (!creds) throw new Error(`unknown user ${user}`);
    const used = this.usedSteps.get(user) ?? new Set<number>();
    this.usedSteps.set(user, used);
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / 30_000);
      // The controller accepts the current step and its neighbours; take the first unused one,
      // unless it is about to leave the window.
      for (const s of [step, step + 1]) {
        if (!used.has(s) && !(s === step && now % 30_000 > 28_000)) {
          used.add(s);
          return totpCode(creds.totpSecret, s * 30_000 + 1000);
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  /** `wicketctl policy apply` of `yaml` (through `via`, see wicketctl). */
  async applyPolicy(yaml: string, via?: readonly ControllerName[]): Promise<void> {
    const file = join(this.dir, `policy-${Date.now()}.yaml`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, yaml);
    await this.wicketctl(['policy', 'apply', file], undefined, via);
  }

  /**
   * Enrolls gateway `name` on `host` (gw, or gw2 in a topology with a second gateway), through
   * the `controllers` list (controller a alone unless told).
   */
  async enrollGateway(name = 'dc1', host = 'gw', controllers: readonly ControllerName[] = ['a']): Promise<void> {
    const place = this.place(name, host);
    const token = (await this.wicketctl(['gateway', 'token', name])).trim();
    await this.run(host, 'wicket-gateway', ['enroll', '--controller', this.controllerList(controllers, PORTS.auth), '--ca-fingerprint', this.fingerprint, '--token', token, '--state-dir', place.dir]);
  }

  /**
   * Starts gateway `name` on `host` with `extra` flags and the `controllers` list (controller a
   * alone unless told); resolves once it is connected and synced, as seen by the first of them.
   */
  async startGateway(name = 'dc1', extra: string[] = [], host = 'gw', controllers?: readonly ControllerName[]): Promise<Service> {
    const place = this.place(name, host);
    const child = this.topo.spawn(host, process.execPath, [...nodeArgs('WICKET_GATEWAY_NODE_ARGS'), bin('wicket-gateway'), 'start', '--state-dir', place.dir,
      '--controller', this.controllerList(controllers ?? ['a'], PORTS.api), '--endpoint', `${place.endpoint}:${PORTS.wg}`, '--interface', place.ifname, ...extra]);
    const service = new Service(host === 'gw' ? 'gateway' : `gateway ${name}`, child);
    if (host === 'gw') this.gateway = service;
    this.gateways.set(name, service);
    await this.waitGatewayConnected(name, true, 30_000, controllers?.slice(0, 1));
    return service;
  }

  /** Waits until `wicketctl gateway list` (through `via`, see wicketctl) shows the gateway (dis)connected, and synced. */
  async waitGatewayConnected(name: string, connected: boolean, timeoutMs = 30_000, via?: readonly ControllerName[]): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const list = await this.wicketctlJson<{ name: string; connected: boolean; appliedVersion: number; desiredVersion: number }[]>(['gateway', 'list'], undefined, via);
      const g = list.find((x) => x.name === name);
      if (g && g.connected === connected && (!connected || g.appliedVersion === g.desiredVersion)) return;
      const service = this.gateways.get(name) ?? this.gateway;
      if (service?.exited && connected) throw new Error(`gateway ${name} exited:\n${service.lines.slice(-20).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`gateway ${name} not ${connected ? 'connected and synced' : 'disconnected'} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** `wicket login` on a client host through the `controllers` list (controller a alone unless told). */
  async login(role: string, user: string, controllers: readonly ControllerName[] = ['a']): Promise<void> {
    const creds = this.users.get(user)!;
    await this.wicket(role, user, ['login', '--controller', this.controllerList(controllers, PORTS.auth), '--ca-fingerprint', this.fingerprint,
      '--user', user, '--password-stdin', '--totp', await this.totp(user)], creds.password);
  }

  /** `wicket up` on a client host; returns the session as printed with --json. */
  async up(role: string, user: string, ifTag: string, env: Record<string, string> = {}): Promise<{ session: { id: string; overlayAddress: string }; interface: string }> {
    const ifname = this.topo.ifname(ifTag);
    const out = JSON.parse(await this.wicket(role, user, ['up', '--interface', ifname, '--json'], undefined, env)) as { session: { sessionId: string; overlayAddress: string } };
    return { session: { id: out.session.sessionId, overlayAddress: out.session.overlayAddress }, interface: ifname };
  }

  /** Everything, by process id and namespace; idempotent. */
  cleanup(): void {
    this.topo.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns true; throws `what` after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
