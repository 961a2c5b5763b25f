// DNS-name resources on the real system in network namespaces (root): a name's record moves
// between two addresses of a resource, and each run measures the time from the change at the
// DNS server to the first new connection to the new address made by asking the client's
// forwarder (every 100 ms), and the time until an established stream to the old address is
// cut (after the gateway's grace period). Prints one JSON object; `ratio` >= 1 meets the goal.
import { pathToFileURL } from 'node:url';
import { ADDR, followName, startServer, startStream, type DnsRecords } from '../scripts/topology/index.js';
import { eventually, WicketSystem } from '../scripts/topology/system.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }

const NAME = 'app.corp.internal';
const PORT = 7000;
/** r1's second address, where the record moves to and back from. */
const OTHER = '198.19.0.11';
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

const POLICY = `gateways: [dc1]
resources:
  app: { address: ${NAME}, ports: [tcp/${PORT}], gateway: dc1 }
grants:
  - name: alice-app
    to: [alice]
    resources: [app]
`;

export async function runDnsChangeBench(opts: { runs: number; ttlS: number; graceS: number }): Promise<{ name: string; figures: Figure[] }> {
  const sys = await WicketSystem.create('wicket-bench-dns-', { dns: true });
  const records = (address: string): DnsRecords => ({ [NAME]: { ttl: opts.ttlS, A: [address] } });
  try {
    await sys.topo.exec('r1', 'ip', ['addr', 'add', `${OTHER}/24`, 'dev', 'eth0']);
    sys.servers.push(await startServer(sys.topo, 'r1', 'tcp-echo', PORT));
    await sys.startDnsServer(records(ADDR.r1));
    await sys.initController();
    await sys.startController(['--heartbeat-interval', '1s', '--heartbeat-timeout', '1h']);
    await sys.addUser('alice');
    await sys.applyPolicy(POLICY);
    await sys.enrollGateway();
    await sys.startGateway('dc1', ['--dns-resolver', ADDR.dns, '--dns-min-ttl', '1s', '--dns-max-ttl', '300s', '--dns-grace', `${opts.graceS}s`]);
    await sys.login('c1', 'alice');
    await sys.up('c1', 'alice', 'a');
    const status = JSON.parse(await sys.wicket('c1', 'alice', ['status', '--json'])) as { dns: string[] };
    const forwarder = status.dns[0];
    if (!forwarder) throw new Error(`the session has no DNS forwarder: ${JSON.stringify(status)}`);

    let current = ADDR.r1 as string;
    await followName(sys.topo, 'c1', forwarder, NAME, current, PORT, { timeoutMs: 30_000 });
    const follows: number[] = [];
    const cuts: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const next = current === ADDR.r1 ? OTHER : ADDR.r1;
      const old = await startStream(sys.topo, 'c1', current, PORT, 20);
      await old.waitForEchoes(5, 10_000);
      const changed = Date.now();
      sys.setDnsRecords(records(next));
      const followed = await followName(sys.topo, 'c1', forwarder, NAME, next, PORT, { timeoutMs: 60_000 });
      follows.push(followed.connected - changed);
      await eventually(() => old.exited || Date.now() - old.lastEchoAt > 1000, (opts.graceS + 60) * 1000, `run ${i}: the stream to the old address cut`);
      cuts.push(old.lastEchoAt - changed);
      old.stop();
      current = next;
    }
    const p95 = quantile(follows, 0.95);
    const ttlMs = opts.ttlS * 1000;
    const n = opts.runs;
    return {
      name: 'dns record change',
      figures: [
        { name: `record changed -> new connection to the new address, p50 (TTL ${opts.ttlS} s, ${n} runs)`, value: quantile(follows, 0.5), unit: 'ms' },
        { name: `record changed -> new connection to the new address, p95 (TTL ${opts.ttlS} s, ${n} runs)`, value: p95, unit: 'ms', goal: ttlMs, ratio: ttlMs / Math.max(p95, 1) },
        { name: `record changed -> old address cut, p50 (grace ${opts.graceS} s, ${n} runs)`, value: quantile(cuts, 0.5), unit: 'ms' },
        { name: `record changed -> old address cut, p95 (grace ${opts.graceS} s, ${n} runs)`, value: quantile(cuts, 0.95), unit: 'ms' },
      ],
    };
  } finally {
    await Promise.all([sys.gateway, sys.controller].filter((s) => s !== undefined).map((s) => Promise.race([s.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    sys.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const result = await runDnsChangeBench(quick ? { runs: 2, ttlS: 1, graceS: 2 } : { runs: 9, ttlS: 2, graceS: 5 });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
