// Session benchmarks on the real system in network namespaces (root): Connect throughput
// including the real gateway's acks (wg + nft apply), revocation latency from the admin API
// call to the last packet of an established TCP stream that got through, with N other
// sessions on the gateway, and the resident memory of controller and gateway with those
// sessions live. Prints one JSON object; `ratio` >= 1 means the goal is met. With
// `--controllers 2` (PostgreSQL) it measures one controller on PostgreSQL, then two on one
// PostgreSQL with the Connects spread over both and every revocation sent through the
// controller that does not hold the gateway's Sync stream (the path a change takes between
// controllers), and the two-controller Connect rate over the one-controller one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ADDR, startStream } from '../scripts/topology/index.js';
import { PORTS, samplePolicy, WicketSystem, type ControllerName } from '../scripts/topology/system.js';
import { gatewayHoldersByLog } from '../scripts/topology/controllers.js';
import { useThrowawayPostgres } from '../scripts/postgres-server.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }

const DIST = fileURLToPath(new URL('./', import.meta.url));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

/** What connect-load.ts prints: the whole load, and the rates of an early and of the last slice of it. */
interface Load { count: number; ms: number; perSecond: number; slice: number; early: number; late: number }

/**
 * One run. `controllers`: absent, one controller as always; 1 or 2 (PostgreSQL only), that
 * many controllers on one database, named in the figures.
 */
export async function runSessionsBench(opts: { sessions: number; revocations: number; postgres?: boolean; controllers?: 1 | 2 }): Promise<{ name: string; figures: Figure[] }> {
  const two = opts.controllers === 2;
  if (opts.controllers && !opts.postgres) throw new Error('--controllers needs --postgres: controllers share one PostgreSQL');
  // The controller's store: SQLite in its data directory, or a throwaway PostgreSQL.
  const postgres = opts.postgres ? await useThrowawayPostgres() : undefined;
  const store = `${postgres ? ', PostgreSQL' : ''}${opts.controllers ? `, ${opts.controllers} controller${two ? 's' : ''}` : ''}`;
  const sys = await WicketSystem.create(undefined, { secondController: two });
  try {
    await sys.startResources();
    await sys.initController();
    // Filler sessions send no heartbeats: keep them alive for the run.
    // ...and all come from one device of one user, so the session caps make room for them.
    const cap = String(opts.sessions + opts.revocations + 1);
    const flags = ['--heartbeat-timeout', '6h', '--ack-timeout', '60s', '--max-sessions-per-user', cap, '--max-sessions-per-device', cap];
    await sys.startController(flags);
    await sys.addUser('alice');
    await sys.addUser('loader', ['engineering']);
    await sys.applyPolicy(samplePolicy());
    // The second controller reads the applied policy as it starts.
    if (two) await sys.startController(flags, 'b');
    const list: ControllerName[] = two ? ['a', 'b'] : ['a'];
    await sys.enrollGateway('dc1', 'gw', list);
    await sys.startGateway('dc1', [], 'gw', list);
    await sys.login('c2', 'loader', list);
    // alice's sessions are made on the controller holding the gateway (a, first in its list);
    // her revocations go through the other.
    const [holder] = two ? gatewayHoldersByLog(sys, 'dc1') : ['a' as const];
    if (!holder) throw new Error('no controller holds the gateway');
    const other: ControllerName = holder === 'a' ? 'b' : 'a';
    await sys.login('c1', 'alice', two ? [holder, other] : ['a']);
    const revokeThrough = two ? sys.controllerList([other], PORTS.api) : `127.0.0.1:${PORTS.api}`;

    // The sync versions the load used tell how many sessions each gateway delta carried.
    const version = async () => (await sys.wicketctlJson<{ name: string; desiredVersion: number }[]>(['gateway', 'list'])).find((g) => g.name === 'dc1')!.desiredVersion;
    const versionBefore = await version();
    // Two controllers: half the Connects to each, at the same time, with the same concurrency in all.
    const loader = (count: number, concurrency: number, endpoint?: string) => sys.topo.exec('c2', process.execPath,
      [join(DIST, 'connect-load.js'), sys.stateDir('c2', 'loader'), String(count), String(concurrency), ...(endpoint ? [endpoint] : [])], { timeoutMs: 3_600_000 })
      .then((out) => JSON.parse(out) as Load);
    const loads = two
      ? await Promise.all((['a', 'b'] as const).map((c, i) => loader(Math.floor(opts.sessions / 2) + (i === 0 ? opts.sessions % 2 : 0), 16, sys.controllerList([c], PORTS.api))))
      : [await loader(opts.sessions, 32)];
    const loadMs = Math.max(...loads.map((l) => l.ms));
    const load = { count: opts.sessions, ms: loadMs, perSecond: (opts.sessions / loadMs) * 1000 };
    // Cost per Connect with the last slice live over with the first slices: the worst loader's.
    const growth = Math.max(...loads.map((l) => l.early / l.late));
    const { slice } = loads[0]!;

    const deltas = (await version()) - versionBefore;

    const latencies: number[] = [];
    for (let i = 0; i < opts.revocations; i++) {
      const up = await sys.up('c1', 'alice', `r${i}`);
      const stream = await startStream(sys.topo, 'c1', ADDR.r1, PORTS.echo, 5);
      await stream.waitForEchoes(20, 10_000);
      const r = JSON.parse(await sys.topo.exec('ctl', process.execPath, [join(DIST, 'revoke-once.js'), revokeThrough, join(sys.dataDir, 'admin'), up.session.id])) as { sentAt: number };
      // The stream's echoes stop at the first packet the gateway drops; wait until quiet.
      await stream.until(() => Date.now() - stream.lastEchoAt > 1000, 15_000, 'stream cut');
      latencies.push(Math.max(0, stream.lastEchoAt - r.sentAt));
      stream.stop();
      await sys.wicket('c1', 'alice', ['down']).catch(() => '');
    }

    const controllerRss = rssMb(sys.controller?.child.pid);
    const secondRss = two ? rssMb(sys.controllers.get('b')?.child.pid) : undefined;
    const gatewayRss = rssMb(sys.gateway?.child.pid);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    const n = opts.sessions;
    return {
      name: postgres ? `sessions on PostgreSQL${two ? ', two controllers' : ''}` : 'sessions',
      figures: [
        { name: `connect throughput incl. gateway acks (${n} sessions${store})`, value: load.perSecond, unit: 'sessions/s', goal: 1000, ratio: load.perSecond / 1000 },
        { name: `connect cost growth, the last ${slice} sessions over sessions ${slice + 1}-${2 * slice} (${n} sessions${store})`, value: growth, unit: 'x', goal: 1.2, ratio: 1.2 / growth },
        { name: `sessions per gateway delta during the load (${n} sessions${opts.controllers ? store : ''})`, value: n / Math.max(deltas, 1), unit: 'sessions' },
        { name: `revocation to last packet, p50 (${n} other sessions${store}${two ? ', revoked through the other' : ''})`, value: p50, unit: 'ms' },
        { name: `revocation to last packet, p99 (${n} other sessions${store}${two ? ', revoked through the other' : ''})`, value: p99, unit: 'ms', goal: 100, ratio: 100 / Math.max(p99, 1) },
        { name: `controller resident memory (${n} live sessions${opts.controllers ? store : ''})`, value: controllerRss, unit: 'MB', goal: 400, ratio: 400 / controllerRss },
        ...(secondRss === undefined ? [] : [{ name: `second controller resident memory (${n} live sessions${store})`, value: secondRss, unit: 'MB' }]),
        { name: `gateway agent resident memory (${n} live sessions${opts.controllers ? store : ''})`, value: gatewayRss, unit: 'MB' },
      ],
    };
  } finally {
    // A graceful stop first, so that profiles asked for through WICKET_*_NODE_ARGS
    // (--cpu-prof) get written; cleanup then kills whatever is left by process id.
    await Promise.all([sys.gateway, ...sys.controllers.values()].filter((s) => s !== undefined).map((s) => Promise.race([s.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    sys.cleanup();
    postgres?.stop();
    delete process.env.WICKET_DATABASE_URL;
  }
}

/**
 * One controller on PostgreSQL, then two on one PostgreSQL, with the same sizes; their
 * figures side by side, and the two-controller Connect rate over the one-controller one.
 */
export async function runTwoControllersBench(sizes: { sessions: number; revocations: number }): Promise<{ name: string; figures: Figure[] }> {
  const one = await runSessionsBench({ ...sizes, postgres: true, controllers: 1 });
  const two = await runSessionsBench({ ...sizes, postgres: true, controllers: 2 });
  const rate = (r: { figures: Figure[] }) => r.figures.find((f) => f.name.startsWith('connect throughput'))!.value;
  const scale = rate(two) / rate(one);
  return {
    name: 'sessions on PostgreSQL, one and two controllers',
    figures: [...one.figures, ...two.figures,
      { name: `connect throughput, two controllers over one (${sizes.sessions} sessions, PostgreSQL)`, value: scale, unit: 'x', goal: 1.6, ratio: scale / 1.6 }],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `--quick` (200 sessions), a number of sessions (`sessions.js 2000`), or the full 10,000;
  // `--postgres`: the controller on a throwaway PostgreSQL instead of SQLite; with
  // `--controllers 2` as well: one controller and then two on it, side by side.
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const postgres = args.includes('--postgres');
  const at = args.indexOf('--controllers');
  const controllers = at >= 0 ? Number(args[at + 1]) : 1;
  if (controllers !== 1 && controllers !== 2) throw new Error('--controllers is 1 or 2');
  if (controllers === 2 && !postgres) throw new Error('--controllers 2 needs --postgres: the controllers share one PostgreSQL');
  const size = Number(args.find((a, i) => /^\d+$/.test(a) && (at < 0 || i !== at + 1)) ?? 0);
  const sizes = quick ? { sessions: 200, revocations: 3 } : size ? { sessions: size, revocations: 20 } : { sessions: 10_000, revocations: 20 };
  const result = controllers === 2 ? await runTwoControllersBench(sizes) : await runSessionsBench({ ...sizes, postgres });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
