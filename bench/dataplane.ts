// Gateway data-plane benchmark (root; real namespaces, wireguard-go, wg, nft). The gateway
// `gw` holds N sessions (N counts the client's own; 1 = no other session); beside it, `gw2`
// runs plain wireguard-go (same build, one peer, no table, the resource routing its overlay
// back) on the same WAN and resource LAN. The client c1 keeps a tunnel to each, both set up
// once, and the pairs alternate by moving c1's route to the LAN from one tunnel to the other:
// plain, gateway, plain, gateway… so a noisy machine hits both sides of a pair alike and the
// ratio is taken pair by pair (median, min, max). Plain sits on its own host because a table
// in gw's namespace would make "plain" traffic pay conntrack too.
// Figures: full snapshot apply and where its time went (our preparation, nft, wireguard-go's
// peer creation); single-session deltas with N present; throughput and ping through the
// gateway ÷ plain; resident memory of the data-plane process and of its wireguard-go with N
// idle sessions (before any traffic), total ÷ N (the goal's figure) and the marginal cost per
// session against the same two processes holding c1's session alone. Prints one JSON object; `ratio` >= 1 meets the goal.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { addPeers } from '../common/wireguard/peers.js';
import { createInterface } from '../common/wireguard/interface.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../common/wireguard/keys.js';
import type { ApplyResult, DesiredSession } from '../gateway/dataplane/dataplane.js';
import { ADDR, RemoteDataPlane, createWicketTopology, pingRtts, type Topology } from '../scripts/topology/index.js';

const WG_PORT = 51820;
const C1_OVERLAY = '100.64.0.2';
/** c1's address on the plain tunnel, routed (not masqueraded) by gw2 and r1. */
const PLAIN_NET = '10.99.0.0/24';
const C1_PLAIN = '10.99.0.2';
const HOUR = 3_600_000;
const KEEPALIVE_S = 25;

interface Figure { name: string; value: number; unit: string; goal: number; ratio: number }
interface Options { sessions: number; deltas: number; pairs: number; iperfSeconds: number; pings: number }

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
/** The middle value, or the mean of the two middle ones (two pairs in --quick). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const round = (x: number) => Math.round(x * 1000) / 1000;

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

/** Resident memory of a process in KiB (VmRSS). */
function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]);
}

/** One of c1's tunnels: its interface, its address, and a peer for the LAN with keepalives. */
async function clientTunnel(topo: Topology, tag: string, address: string, key: string, peer: { publicKey: string; presharedKey: string; endpoint: string }): Promise<{ ifname: string; address: string }> {
  const ifname = topo.ifname(tag);
  const netns = topo.ns('c1');
  await createInterface(ifname, { privateKey: key, netns });
  await addPeers(ifname, [{ ...peer, allowedIps: ['198.19.0.0/24'], persistentKeepalive: KEEPALIVE_S }], { netns });
  await topo.exec('c1', 'ip', ['addr', 'add', `${address}/32`, 'dev', ifname]);
  return { ifname, address };
}

/** Sends c1's traffic to the LAN through one tunnel, from that tunnel's address. */
async function routeThrough(topo: Topology, tunnel: { ifname: string; address: string }): Promise<void> {
  await topo.exec('c1', 'ip', ['route', 'replace', '198.19.0.0/24', 'dev', tunnel.ifname, 'src', tunnel.address]);
}

/** One iperf3 run c1 → r1, in bit/s. */
async function iperf(topo: Topology, seconds: number): Promise<number> {
  const server = topo.spawn('r1', 'iperf3', ['-s', '-1', '-p', '5201']);
  await new Promise((r) => setTimeout(r, 300));
  const out = await topo.exec('c1', 'iperf3', ['-c', ADDR.r1, '-p', '5201', '-t', String(seconds), '-J'], { timeoutMs: (seconds + 20) * 1000 });
  const json = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  await new Promise((r) => server.exitCode !== null ? r(null) : server.once('exit', r));
  return json.end.sum_received.bits_per_second;
}

/** One side of a pair: throughput (bit/s) and the median ping (ms) through the route in force. */
async function measure(topo: Topology, o: Options): Promise<{ bps: number; rttMs: number }> {
  const bps = await iperf(topo, o.iperfSeconds);
  const rttMs = median(await pingRtts(topo, 'c1', ADDR.r1, o.pings));
  return { bps, rttMs };
}

/** Median, min and max of a pair-by-pair series as three figures (the median carries the goal). */
function spread(name: string, xs: number[], unit: string, goal: number, higherIsBetter: boolean): Figure[] {
  const m = median(xs);
  return [
    { name, value: round(m), unit, goal, ratio: goal === 0 ? 1 : round(higherIsBetter ? m / goal : goal / m) },
    { name: `${name}_min`, value: round(Math.min(...xs)), unit, goal: 0, ratio: 1 },
    { name: `${name}_max`, value: round(Math.max(...xs)), unit, goal: 0, ratio: 1 },
  ];
}

export async function runDataplaneBench(o: Options): Promise<{ name: string; figures: Figure[] }> {
  const N = o.sessions;
  const topo = await createWicketTopology({ secondGateway: true });
  try {
    const gwKey = generatePrivateKey();
    const c1Key = generatePrivateKey();
    const psk = generatePresharedKey();

    // Plain WireGuard on gw2: one peer, forwarding, no table; r1 routes c1's plain address back.
    const plainKey = generatePrivateKey();
    const c1PlainKey = generatePrivateKey();
    const plainPsk = generatePresharedKey();
    const plainIf = topo.ifname('p');
    await createInterface(plainIf, { privateKey: plainKey, listenPort: WG_PORT, netns: topo.ns('gw2') });
    await addPeers(plainIf, [{ publicKey: publicKeyOf(c1PlainKey), presharedKey: plainPsk, allowedIps: [`${C1_PLAIN}/32`] }], { netns: topo.ns('gw2') });
    await topo.exec('gw2', 'sh', ['-c', `echo 1 > /proc/sys/net/ipv4/ip_forward && ip route add ${PLAIN_NET} dev ${plainIf}`]);
    await topo.exec('r1', 'ip', ['route', 'add', PLAIN_NET, 'via', ADDR.gw2Lan]);

    // Wicket on gw: c1's session alone first (the one-session memory baseline), then all N.
    const dp = new RemoteDataPlane(topo, 'gw');
    const info = await dp.start({ interfaceName: topo.ifname('g'), privateKey: gwKey, listenPort: WG_PORT });
    if (info.pid === undefined) throw new Error('the gateway interface is not on wireguard-go: this benchmark compares wireguard-go builds');
    const expiresAtMs = Date.now() + HOUR;
    const c1: DesiredSession = {
      id: 'c1', overlayAddress: C1_OVERLAY, publicKey: publicKeyOf(c1Key), presharedKey: psk, expiresAtMs,
      rules: [
        { destination: ADDR.r1, protocol: 'tcp', portFrom: 5201, portTo: 5201, expiresAtMs },
        { destination: ADDR.r1, protocol: 'icmp', portFrom: 0, portTo: 0, expiresAtMs },
      ],
    };
    let version = 0;
    let baseline: { dp: number; wg: number } | undefined;
    if (N > 1) {
      await dp.applySnapshot(++version, [c1]);
      baseline = { dp: rssKiB(dp.pid), wg: rssKiB(info.pid) };
    }
    const sessions = [c1, ...Array.from({ length: N - 1 }, (_, i) => fillerSession(i, expiresAtMs))];
    const snapshot: ApplyResult = await dp.applySnapshot(++version, sessions);
    if (snapshot.sessions !== N) throw new Error(`snapshot holds ${snapshot.sessions} sessions`);

    // Deltas: alternately add one new session and remove it again, N present throughout.
    const deltaUs: number[] = [];
    for (let i = 0; i < o.deltas; i++) {
      const extra = fillerSession(N + i, expiresAtMs);
      deltaUs.push((await dp.applyDelta(++version, [extra], [])).applyUs);
      deltaUs.push((await dp.applyDelta(++version, [], [extra.id])).applyUs);
    }

    // Memory with N idle sessions (no traffic yet, as the one-session baseline was taken).
    const rss = { dp: rssKiB(dp.pid), wg: rssKiB(info.pid) };

    // c1's two tunnels, both up for the whole run; the pairs only move the route.
    const viaGateway = await clientTunnel(topo, 'c', C1_OVERLAY, c1Key, { publicKey: publicKeyOf(gwKey), presharedKey: psk, endpoint: `${ADDR.gw}:${WG_PORT}` });
    const viaPlain = await clientTunnel(topo, 'cp', C1_PLAIN, c1PlainKey, { publicKey: publicKeyOf(plainKey), presharedKey: plainPsk, endpoint: `${ADDR.gw2}:${WG_PORT}` });
    const plain: { bps: number; rttMs: number }[] = [];
    const wicket: { bps: number; rttMs: number }[] = [];
    for (let i = 0; i < o.pairs; i++) {
      await routeThrough(topo, viaPlain);
      plain.push(await measure(topo, o));
      await routeThrough(topo, viaGateway);
      wicket.push(await measure(topo, o));
    }

    await dp.close();

    const tputRatios = wicket.map((w, i) => w.bps / plain[i].bps);
    const pingRatios = wicket.map((w, i) => w.rttMs / plain[i].rttMs);
    const snapshotMs = snapshot.applyUs / 1000;
    const phases = snapshot.phases ?? { prepareUs: 0, nftUs: 0, peersUs: 0 };
    const p50 = quantile(deltaUs, 0.5) / 1000;
    const p99 = quantile(deltaUs, 0.99) / 1000;
    const perSessionKiB = (rss.dp + rss.wg) / N;
    // The goal is per idle session at scale: below 10,000 the processes' own base dominates.
    const memoryGoal = N >= 10_000 ? 30 : 0;
    const figures: Figure[] = [
      { name: `snapshot_${N}_sessions_apply`, value: round(snapshotMs), unit: 'ms', goal: 5000, ratio: round(5000 / snapshotMs) },
      { name: `snapshot_${N}_sessions_prepare`, value: round(phases.prepareUs / 1000), unit: 'ms', goal: 0, ratio: 1 },
      { name: `snapshot_${N}_sessions_nft`, value: round(phases.nftUs / 1000), unit: 'ms', goal: 0, ratio: 1 },
      { name: `snapshot_${N}_sessions_wireguard_peers`, value: round(phases.peersUs / 1000), unit: 'ms', goal: 0, ratio: 1 },
      { name: `delta_apply_p50_with_${N}`, value: round(p50), unit: 'ms', goal: 0, ratio: 1 },
      { name: `delta_apply_p99_with_${N}`, value: round(p99), unit: 'ms', goal: 5, ratio: round(5 / p99) },
      { name: 'throughput_plain_wireguard_go', value: round(median(plain.map((p) => p.bps)) / 1e6), unit: 'Mbit/s', goal: 0, ratio: 1 },
      { name: `throughput_through_gateway_${N}_sessions`, value: round(median(wicket.map((w) => w.bps)) / 1e6), unit: 'Mbit/s', goal: 0, ratio: 1 },
      ...spread(`throughput_ratio_vs_plain_wireguard_go_${N}_sessions`, tputRatios, 'ratio', N === 1 ? 0.95 : 0.9, true),
      { name: 'ping_median_plain_wireguard_go', value: round(median(plain.map((p) => p.rttMs))), unit: 'ms', goal: 0, ratio: 1 },
      { name: `ping_median_through_gateway_${N}_sessions`, value: round(median(wicket.map((w) => w.rttMs))), unit: 'ms', goal: 0, ratio: 1 },
      ...spread(`ping_ratio_vs_plain_wireguard_go_${N}_sessions`, pingRatios, 'ratio', 1.1, false),
      { name: `rss_dataplane_process_${N}_sessions`, value: round(rss.dp / 1024), unit: 'MiB', goal: 0, ratio: 1 },
      { name: `rss_wireguard_go_${N}_sessions`, value: round(rss.wg / 1024), unit: 'MiB', goal: 0, ratio: 1 },
      { name: `rss_per_session_${N}_sessions`, value: round(perSessionKiB), unit: 'KiB', goal: memoryGoal, ratio: memoryGoal ? round(memoryGoal / perSessionKiB) : 1 },
    ];
    if (baseline) {
      const marginal = (rss.dp - baseline.dp + rss.wg - baseline.wg) / (N - 1);
      figures.push(
        { name: `rss_marginal_per_session_${N}_sessions`, value: round(marginal), unit: 'KiB', goal: 0, ratio: 1 },
        { name: `rss_marginal_dataplane_process_per_session_${N}_sessions`, value: round((rss.dp - baseline.dp) / (N - 1)), unit: 'KiB', goal: 0, ratio: 1 },
        { name: `rss_marginal_wireguard_go_per_session_${N}_sessions`, value: round((rss.wg - baseline.wg) / (N - 1)), unit: 'KiB', goal: 0, ratio: 1 },
      );
    }
    return { name: 'dataplane', figures };
  } finally {
    topo.cleanup();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizeArg = process.argv.find((a) => /^\d+$/.test(a));
  const quick = process.argv.includes('--quick');
  const options: Options = quick
    ? { sessions: Number(sizeArg ?? 100), deltas: 20, pairs: 2, iperfSeconds: 1, pings: 20 }
    : { sessions: Number(sizeArg ?? 10_000), deltas: 200, pairs: 5, iperfSeconds: 5, pings: 50 };
  runDataplaneBench(options).then((r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
  }, (e: Error) => {
    process.stderr.write(`dataplane bench failed: ${e.message}\n`);
    process.exit(1);
  });
}
