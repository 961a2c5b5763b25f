// Session benchmarks on the real system in network namespaces (root): Connect throughput
// including the real gateway's acks (wg + nft apply), revocation latency from the admin API
// call to the last packet of an established TCP stream that got through, with N other
// sessions on the gateway, and the resident memory of controller and gateway with those
// sessions live. Prints one JSON object; `ratio` >= 1 means the goal is met.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ADDR, startStream } from '../scripts/topology/index.js';
import { PORTS, samplePolicy, WicketSystem } from '../scripts/topology/system.js';
import { useThrowawayPostgres } from '../scripts/postgres-server.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }

const DIST = fileURLToPath(new URL('./', import.meta.url));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

export async function runSessionsBench(opts: { sessions: number; revocations: number; postgres?: boolean }): Promise<{ name: string; figures: Figure[] }> {
  // The controller's store: SQLite in its data directory, or a throwaway PostgreSQL.
  const postgres = opts.postgres ? await useThrowawayPostgres() : undefined;
  const store = postgres ? ', PostgreSQL' : '';
  const sys = await WicketSystem.create();
  try {
    await sys.startResources();
    await sys.initController();
    // Filler sessions send no heartbeats: keep them alive for the run.
    // ...and all come from one device of one user, so the session caps make room for them.
    const cap = String(opts.sessions + opts.revocations + 1);
    await sys.startController(['--heartbeat-timeout', '6h', '--ack-timeout', '60s', '--max-sessions-per-user', cap, '--max-sessions-per-device', cap]);
    await sys.addUser('alice');
    await sys.addUser('loader', ['engineering']);
    await sys.applyPolicy(samplePolicy());
    await sys.enrollGateway();
    await sys.startGateway();
    await sys.login('c2', 'loader');
    await sys.login('c1', 'alice');

    // The sync versions the load used tell how many sessions each gateway delta carried.
    const version = async () => (await sys.wicketctlJson<{ name: string; desiredVersion: number }[]>(['gateway', 'list'])).find((g) => g.name === 'dc1')!.desiredVersion;
    const versionBefore = await version();
    const load = JSON.parse(await sys.topo.exec('c2', process.execPath, [join(DIST, 'connect-load.js'), sys.stateDir('c2', 'loader'), String(opts.sessions), '32'],
      { timeoutMs: 3_600_000 })) as { count: number; ms: number; perSecond: number };

    const deltas = (await version()) - versionBefore;

    const latencies: number[] = [];
    for (let i = 0; i < opts.revocations; i++) {
      const up = await sys.up('c1', 'alice', `r${i}`);
      const stream = await startStream(sys.topo, 'c1', ADDR.r1, PORTS.echo, 5);
      await stream.waitForEchoes(20, 10_000);
      const r = JSON.parse(await sys.topo.exec('ctl', process.execPath, [join(DIST, 'revoke-once.js'), `127.0.0.1:${PORTS.api}`, join(sys.dataDir, 'admin'), up.session.id])) as { sentAt: number };
      // The stream's echoes stop at the first packet the gateway drops; wait until quiet.
      await stream.until(() => Date.now() - stream.lastEchoAt > 1000, 15_000, 'stream cut');
      latencies.push(Math.max(0, stream.lastEchoAt - r.sentAt));
      stream.stop();
      await sys.wicket('c1', 'alice', ['down']).catch(() => '');
    }

    const controllerRss = rssMb(sys.controller?.child.pid);
    const gatewayRss = rssMb(sys.gateway?.child.pid);
    const p50 = quantile(latencies, 0.5);
    const p99 = quantile(latencies, 0.99);
    const n = opts.sessions;
    return {
      name: postgres ? 'sessions on PostgreSQL' : 'sessions',
      figures: [
        { name: `connect throughput incl. gateway acks (${n} sessions${store})`, value: load.perSecond, unit: 'sessions/s', goal: 300, ratio: load.perSecond / 300 },
        { name: `sessions per gateway delta during the load (${n} sessions)`, value: n / Math.max(deltas, 1), unit: 'sessions' },
        { name: `revocation to last packet, p50 (${n} other sessions${store})`, value: p50, unit: 'ms' },
        { name: `revocation to last packet, p99 (${n} other sessions${store})`, value: p99, unit: 'ms', goal: 250, ratio: 250 / Math.max(p99, 1) },
        { name: `controller resident memory (${n} live sessions)`, value: controllerRss, unit: 'MB', goal: 250, ratio: 250 / controllerRss },
        { name: `gateway agent resident memory (${n} live sessions)`, value: gatewayRss, unit: 'MB' },
      ],
    };
  } finally {
    // A graceful stop first, so that profiles asked for through WICKET_*_NODE_ARGS
    // (--cpu-prof) get written; cleanup then kills whatever is left by process id.
    await Promise.all([sys.gateway, sys.controller].filter((s) => s !== undefined).map((s) => Promise.race([s.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    sys.cleanup();
    postgres?.stop();
    delete process.env.WICKET_DATABASE_URL;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `--quick` (200 sessions), a number of sessions (`sessions.js 2000`), or the full 10,000;
  // `--postgres`: the controller on a throwaway PostgreSQL instead of SQLite.
  const quick = process.argv.includes('--quick');
  const postgres = process.argv.includes('--postgres');
  const size = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 0);
  const result = await runSessionsBench({ ...(quick ? { sessions: 200, revocations: 3 } : size ? { sessions: size, revocations: 20 } : { sessions: 10_000, revocations: 20 }), postgres });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
