// The identity-aware proxy on the real system in network namespaces (root): the latency it
// adds (one request at a time) and the request rate it sustains (many connections), against
// the same upstream reached directly through the tunnel (a network grant to its address),
// each measured in interleaved pairs (direct, proxy, direct, proxy, ...) so a noisy machine
// moves both alike; and the time from an admin's revocation to the close of the session's
// websocket through the proxy. Prints one JSON object.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ADDR, startServer, startWebSocket } from '../scripts/topology/index.js';
import { PORTS, WicketSystem } from '../scripts/topology/system.js';

export interface Figure { name: string; value: number; unit: string; goal?: number; ratio?: number }

const DIST = fileURLToPath(new URL('./', import.meta.url));
const UPSTREAM_PORT = 8080;
const WIKI = 'wiki.corp.example';
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const median = (xs: number[]) => quantile(xs, 0.5);

const POLICY = `gateways: [dc1]
resources:
  wiki:
    http: { upstream: "http://${ADDR.r1}:${UPSTREAM_PORT}", hostname: ${WIKI} }
    gateway: dc1
  wiki-direct: { address: ${ADDR.r1}, ports: [tcp/${UPSTREAM_PORT}], gateway: dc1 }
grants:
  - name: wiki-read
    to: [alice]
    resources: [wiki]
    http: { methods: [GET], paths: ["/docs/**", "/ws"] }
  - name: wiki-direct
    to: [alice]
    resources: [wiki-direct]
`;

interface Load { count: number; failures: number; rps: number; p50Us: number; p99Us: number }

export async function runHttpProxyBench(opts: { pairs: number; seconds: number; concurrency: number; revocations: number }): Promise<{ name: string; figures: Figure[] }> {
  const sys = await WicketSystem.create('wicket-bench-proxy-');
  try {
    const upstream = await startServer(sys.topo, 'r1', 'http-echo', UPSTREAM_PORT);
    sys.servers.push(upstream);
    await sys.initController();
    await sys.startController(['--heartbeat-timeout', '1h']);
    await sys.addUser('alice');
    await sys.applyPolicy(POLICY);
    await sys.enrollGateway();
    await sys.startGateway();
    await sys.login('c1', 'alice');
    const up = await sys.up('c1', 'alice', 'a');
    const sessions = await sys.wicketctlJson<{ id: string; entitlements: { resource: string; destination: string }[] }[]>(['session', 'list']);
    const service = sessions.find((s) => s.id === up.session.id)!.entitlements.find((e) => e.resource === 'wiki')!.destination.replace(/\/32$/, '');

    const load = async (url: string, concurrency: number): Promise<Load> => JSON.parse(await sys.topo.exec('c1', process.execPath,
      [join(DIST, 'http-load.js'), url, WIKI, String(concurrency), String(opts.seconds * 1000)], { timeoutMs: opts.seconds * 1000 + 30_000 })) as Load;
    /** Interleaved runs at one concurrency: direct, proxy, direct, proxy, ... */
    const pairs = async (concurrency: number): Promise<{ direct: Load[]; proxied: Load[] }> => {
      const out = { direct: [] as Load[], proxied: [] as Load[] };
      for (let i = 0; i < opts.pairs; i++) {
        out.direct.push(await load(`http://${ADDR.r1}:${UPSTREAM_PORT}/docs/a`, concurrency));
        out.proxied.push(await load(`http://${service}/docs/a`, concurrency));
      }
      return out;
    };
    const single = await pairs(1);
    const { direct, proxied } = await pairs(opts.concurrency);
    const rateRatios = proxied.map((p, i) => p.rps / direct[i]!.rps);
    const addedP50Ms = single.proxied.map((p, i) => (p.p50Us - single.direct[i]!.p50Us) / 1000);
    const failures = [...direct, ...proxied, ...single.direct, ...single.proxied].reduce((n, l) => n + l.failures, 0);
    await sys.wicket('c1', 'alice', ['down']);

    const closes: number[] = [];
    for (let i = 0; i < opts.revocations; i++) {
      const s = await sys.up('c1', 'alice', `r${i}`);
      const ws = await startWebSocket(sys.topo, 'c1', `ws://${service}/ws`, WIKI, 10);
      await ws.waitForEchoes(10, 10_000);
      const closedBefore = upstream.events.filter((e) => typeof e.wsClosed === 'number').length;
      const r = JSON.parse(await sys.topo.exec('ctl', process.execPath, [join(DIST, 'revoke-once.js'), `127.0.0.1:${PORTS.api}`, join(sys.dataDir, 'admin'), s.session.id])) as { sentAt: number };
      // The tunnel goes with the session, so the client cannot be told: the close is seen where
      // the proxy held the other side, at the upstream.
      await upstream.until((ev) => ev.filter((e) => typeof e.wsClosed === 'number').length > closedBefore, 15_000, 'websocket closed at the upstream');
      closes.push(Number(upstream.events.filter((e) => typeof e.wsClosed === 'number').at(-1)!.wsClosed) - r.sentAt);
      ws.stop();
      await sys.wicket('c1', 'alice', ['down']).catch(() => '');
    }

    const ratio = median(rateRatios);
    const added = median(addedP50Ms);
    const closeP99 = quantile(closes, 0.99);
    const c = opts.concurrency;
    return {
      name: 'http proxy',
      figures: [
        { name: `direct through the tunnel, requests/s (${c} connections, median of ${opts.pairs})`, value: Math.round(median(direct.map((l) => l.rps))), unit: 'req/s' },
        { name: `through the proxy, requests/s (${c} connections, median of ${opts.pairs})`, value: Math.round(median(proxied.map((l) => l.rps))), unit: 'req/s' },
        { name: 'proxy / direct request rate, median of pairs', value: Math.round(ratio * 1000) / 1000, unit: 'x', goal: 0.5, ratio: ratio / 0.5 },
        { name: 'proxy / direct request rate, spread (min-max of pairs)', value: Math.round((Math.max(...rateRatios) - Math.min(...rateRatios)) * 1000) / 1000, unit: 'x' },
        ...(['p50Us', 'p99Us'] as const).flatMap((q) => [
          { name: `direct ${q.slice(0, 3)} latency, one request at a time`, value: Math.round(median(single.direct.map((l) => l[q]))) / 1000, unit: 'ms' },
          { name: `proxy ${q.slice(0, 3)} latency, one request at a time`, value: Math.round(median(single.proxied.map((l) => l[q]))) / 1000, unit: 'ms' },
          { name: `direct ${q.slice(0, 3)} latency, ${c} connections`, value: Math.round(median(direct.map((l) => l[q]))) / 1000, unit: 'ms' },
          { name: `proxy ${q.slice(0, 3)} latency, ${c} connections`, value: Math.round(median(proxied.map((l) => l[q]))) / 1000, unit: 'ms' },
        ]),
        { name: 'latency added by the proxy at p50, one request at a time, median of pairs', value: Math.round(added * 1000) / 1000, unit: 'ms', goal: 1, ratio: 1 / Math.max(added, 0.001) },
        { name: 'failed requests (any run)', value: failures, unit: 'requests' },
        { name: `revoke -> websocket closed, p50 (${opts.revocations} revocations)`, value: median(closes), unit: 'ms' },
        { name: `revoke -> websocket closed, p99 (${opts.revocations} revocations)`, value: closeP99, unit: 'ms', goal: 100, ratio: 100 / Math.max(closeP99, 1) },
      ],
    };
  } finally {
    await Promise.all([sys.gateway, sys.controller].filter((s) => s !== undefined).map((s) => Promise.race([s.stop(), new Promise((r) => setTimeout(r, 15_000))])));
    sys.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const result = await runHttpProxyBench(quick ? { pairs: 2, seconds: 1, concurrency: 8, revocations: 3 } : { pairs: 5, seconds: 5, concurrency: 16, revocations: 20 });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
