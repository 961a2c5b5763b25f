// Gateway data-plane benchmark (root; real namespaces, wireguard-go, wg, nft): a full
// snapshot of 10,000 sessions, single-session deltas with 10,000 present, and iperf3
// throughput client → resource through the gateway holding those sessions, divided by plain
// wireguard-go (no table, one peer, the resource routing the overlay back) between the same
// namespaces, and the median ping round trip the same two ways. Prints one JSON object.
// `ratio` >= 1 means the goal is met (goal/value for times, value/goal for the throughput
// ratio). SESSIONS counts the client's own session: 1 means no other session.
import { pathToFileURL } from 'node:url';
import { addPeers } from '../common/wireguard/peers.js';
import { createInterface, deleteInterface } from '../common/wireguard/interface.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import type { DesiredSession } from '../gateway/dataplane/dataplane.js';
import { ADDR, RemoteDataPlane, createWicketTopology, pingRtts, type Topology } from '../scripts/topology/index.js';

const WG_PORT = 51820;
const IPERF_SECONDS = 5;
const IPERF_RUNS = 3;
const PINGS = 100;
const C1_OVERLAY = '100.64.0.2';
const HOUR = 3_600_000;

interface Figure { name: string; value: number; unit: string; goal: number; ratio: number }

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const median = (xs: number[]) => quantile(xs, 0.5);

/** Overlay address of filler session i (100.64.0.0/10 after c1's .2). */
const overlayOf = (i: number) => `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;

function fillerSession(i: number, expiresAtMs: number): DesiredSession {
  return {
    id: `bench-${i}`, overlayAddress: overlayOf(i + 16), publicKey: publicKeyOf(generatePrivateKey()), presharedKey: generatePresharedKey(),
    expiresAtMs,
    rules: [
      { destination: ADDR.r1, protocol: 'tcp', portFrom: 443, portTo: 443, expiresAtMs },
      { destination: '198.19.0.0/24', protocol: 'udp', portFrom: 53, portTo: 53, expiresAtMs },
    ],
  };
}

/** Client c1's tunnel to the gateway (the overlay address, routes to the LAN through it). */
async function setUpClient(topo: Topology, gwPub: string, key: string, psk: string): Promise<void> {
  const ifname = topo.ifname('c1');
  const netns = topo.ns('c1');
  await createInterface(ifname, { privateKey: key, netns });
  await addPeers(ifname, [{ publicKey: gwPub, presharedKey: psk, allowedIps: ['198.19.0.0/24'], endpoint: `${ADDR.gw}:${WG_PORT}` }], { netns });
  await topo.exec('c1', 'ip', ['-b', '-'], { stdin: `addr add ${C1_OVERLAY}/32 dev ${ifname}\nroute add 198.19.0.0/24 dev ${ifname}\n` });
}

/** Median iperf3 throughput c1 → r1 in bit/s over IPERF_RUNS runs. */
async function iperf(topo: Topology): Promise<number> {
  const results: number[] = [];
  for (let i = 0; i < IPERF_RUNS; i++) {
    const server = topo.spawn('r1', 'iperf3', ['-s', '-1', '-p', '5201']);
    await new Promise((r) => setTimeout(r, 300));
    const out = await topo.exec('c1', 'iperf3', ['-c', ADDR.r1, '-p', '5201', '-t', String(IPERF_SECONDS), '-J'], { timeoutMs: (IPERF_SECONDS + 20) * 1000 });
    const json = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
    results.push(json.end.sum_received.bits_per_second);
    await new Promise((r) => server.exitCode !== null ? r(null) : server.once('exit', r));
  }
  return median(results);
}

export async function runDataplaneBench(SESSIONS = 10_000, DELTAS = 200): Promise<{ name: string; figures: Figure[] }> {
  const topo = await createWicketTopology();
  try {
    const gwIf = topo.ifname('g');
    const gwKey = generatePrivateKey();
    const gwPub = publicKeyOf(gwKey);
    const c1Key = generatePrivateKey();
    const psk = generatePresharedKey();

    // Plain WireGuard: the same wireguard-go build, one peer, forwarding, no Wicket table;
    // r1 routes the overlay back through the gateway instead of being masqueraded.
    const gwNs = topo.ns('gw');
    await createInterface(gwIf, { privateKey: gwKey, listenPort: WG_PORT, netns: gwNs });
    await addPeers(gwIf, [{ publicKey: publicKeyOf(c1Key), presharedKey: psk, allowedIps: [`${C1_OVERLAY}/32`] }], { netns: gwNs });
    await topo.exec('gw', 'sh', ['-c', `echo 1 > /proc/sys/net/ipv4/ip_forward && ip route add 100.64.0.0/10 dev ${gwIf}`]);
    await topo.exec('r1', 'ip', ['route', 'add', '100.64.0.0/10', 'via', ADDR.gwLan]);
    await setUpClient(topo, gwPub, c1Key, psk);
    const plain = await iperf(topo);
    const plainRtt = median(await pingRtts(topo, 'c1', ADDR.r1, PINGS));
    await deleteInterface(gwIf, { netns: gwNs });
    await topo.exec('r1', 'ip', ['route', 'del', '100.64.0.0/10']);

    // Wicket: the data plane holding 10,000 sessions plus c1's.
    const dp = new RemoteDataPlane(topo, 'gw');
    await dp.start({ interfaceName: gwIf, privateKey: gwKey, listenPort: WG_PORT });
    const expiresAtMs = Date.now() + HOUR;
    const c1: DesiredSession = {
      id: 'c1', overlayAddress: C1_OVERLAY, publicKey: publicKeyOf(c1Key), presharedKey: psk, expiresAtMs,
      rules: [
        { destination: ADDR.r1, protocol: 'tcp', portFrom: 5201, portTo: 5201, expiresAtMs },
        { destination: ADDR.r1, protocol: 'icmp', portFrom: 0, portTo: 0, expiresAtMs },
      ],
    };
    const sessions = [c1, ...Array.from({ length: SESSIONS - 1 }, (_, i) => fillerSession(i, expiresAtMs))];
    let version = 0;
    const snapshot = await dp.applySnapshot(++version, sessions);
    if (snapshot.sessions !== SESSIONS) throw new Error(`snapshot holds ${snapshot.sessions} sessions`);

    // Deltas: alternately add one new session and remove it again, 10,000 present throughout.
    const deltaUs: number[] = [];
    for (let i = 0; i < DELTAS; i++) {
      const extra = fillerSession(SESSIONS + i, expiresAtMs);
      deltaUs.push((await dp.applyDelta(++version, [extra], [])).applyUs);
      deltaUs.push((await dp.applyDelta(++version, [], [extra.id])).applyUs);
    }

    // The client's tunnel comes up again against the new interface (fresh handshake).
    await deleteInterface(topo.ifname('c1'), { netns: topo.ns('c1') });
    await setUpClient(topo, gwPub, c1Key, psk);
    const wicket = await iperf(topo);
    const wicketRtt = median(await pingRtts(topo, 'c1', ADDR.r1, PINGS));
    await dp.close();

    const snapshotMs = snapshot.applyUs / 1000;
    const p50 = quantile(deltaUs, 0.5) / 1000;
    const p99 = quantile(deltaUs, 0.99) / 1000;
    const tputRatio = wicket / plain;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      name: 'dataplane',
      figures: [
        { name: `snapshot_${SESSIONS}_sessions_apply`, value: round(snapshotMs), unit: 'ms', goal: 2000, ratio: round(2000 / snapshotMs) },
        { name: `delta_apply_p50_with_${SESSIONS}`, value: round(p50), unit: 'ms', goal: 10, ratio: round(10 / p50) },
        { name: `delta_apply_p99_with_${SESSIONS}`, value: round(p99), unit: 'ms', goal: 10, ratio: round(10 / p99) },
        { name: 'throughput_plain_wireguard_go', value: round(plain / 1e6), unit: 'Mbit/s', goal: 0, ratio: 1 },
        { name: `throughput_through_gateway_${SESSIONS}_sessions`, value: round(wicket / 1e6), unit: 'Mbit/s', goal: 0, ratio: 1 },
        { name: `throughput_ratio_vs_plain_wireguard_go_${SESSIONS}_sessions`, value: round(tputRatio), unit: 'ratio', goal: 0.9, ratio: round(tputRatio / 0.9) },
        { name: 'ping_median_plain_wireguard_go', value: round(plainRtt), unit: 'ms', goal: 0, ratio: 1 },
        { name: `ping_median_through_gateway_${SESSIONS}_sessions`, value: round(wicketRtt), unit: 'ms', goal: 0, ratio: 1 },
        { name: `ping_ratio_vs_plain_wireguard_go_${SESSIONS}_sessions`, value: round(wicketRtt / plainRtt), unit: 'ratio', goal: 0, ratio: 1 },
      ],
    };
  } finally {
    topo.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizeArg = process.argv.find((a) => /^\d+$/.test(a));
  const quick = process.argv.includes('--quick');
  runDataplaneBench(quick ? 100 : Number(sizeArg ?? 10_000), quick ? 20 : 200).then((r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
  }, (e: Error) => {
    process.stderr.write(`dataplane bench failed: ${e.message}\n`);
    process.exit(1);
  });
}
