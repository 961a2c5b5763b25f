// End-to-end proof of the gateway data plane's security claims with real packets: network
// namespaces, real wireguard-go, wg and nft. No controller: the test drives a real
// WireGuardDataPlane running inside the gateway's namespace (scripts/topology's
// RemoteDataPlane) and configures the clients itself with `wg`, as an untrusted client
// would. Needs root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { addPeers, dump } from '../../common/wireguard/peers.js';
import { createInterface, socketPath } from '../../common/wireguard/interface.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { runTool } from '../../common/exec.js';
import type { DesiredSession } from '../../gateway/dataplane/dataplane.js';
import { elementKey, sessionElements } from '../../gateway/dataplane/elements.js';
import { parseDeniedJson, parseSetJson } from '../../gateway/dataplane/listing.js';
import { ALLOW_SETS, allowSetKind, allowSetOf } from '../../gateway/dataplane/ruleset.js';
import { NftShell } from '../../gateway/dataplane/nft-shell.js';
import {
  ADDR, LAN_CIDR, RemoteDataPlane, createWicketTopology, ping, probeUdp, startServer, startStream, tcpConnect,
  type Program, type Topology,
} from '../../scripts/topology/index.js';

const WG_PORT = 51820;
const FWMARK = '51820';
const OVERLAY = { c1: '100.64.0.2', c2: '100.64.0.3' } as const;
const HOUR = 3_600_000;

let topo: Topology;
let dp: RemoteDataPlane;
let gwIf: string;
const gwKey = generatePrivateKey();
const keys = { c1: generatePrivateKey(), c2: generatePrivateKey() };
const psks = { c1: generatePresharedKey(), c2: generatePresharedKey() };
/** Every secret the run uses; none may ever show up in a command line. */
const secrets: string[] = [gwKey, keys.c1, keys.c2, psks.c1, psks.c2];
let udpServer: Program;
let c1Server: Program;
let version = 0;

/** Session expiry, fixed for the run so that re-sent sessions differ only where a test says. */
const SESSION_EXPIRES_AT = Date.now() + HOUR;

function session(role: 'c1' | 'c2', rules: Omit<DesiredSession['rules'][number], 'expiresAtMs'>[], ruleExpiresAtMs = SESSION_EXPIRES_AT): DesiredSession {
  return {
    id: `s-${role}`, overlayAddress: OVERLAY[role], publicKey: publicKeyOf(keys[role]), presharedKey: psks[role],
    expiresAtMs: SESSION_EXPIRES_AT, rules: rules.map((r) => ({ ...r, expiresAtMs: ruleExpiresAtMs })),
  };
}
const s1Rules = [
  { destination: ADDR.r1, protocol: 'tcp' as const, portFrom: 7, portTo: 7 },
  { destination: ADDR.r1, protocol: 'udp' as const, portFrom: 5353, portTo: 5353 },
  { destination: ADDR.r1, protocol: 'icmp' as const, portFrom: 0, portTo: 0 },
];
const s2Rules = [
  { destination: ADDR.r1, protocol: 'tcp' as const, portFrom: 8, portTo: 8 },
  { destination: ADDR.r1, protocol: 'udp' as const, portFrom: 5353, portTo: 5353 },
  { destination: ADDR.r2, protocol: 'tcp' as const, portFrom: 7, portTo: 7 },
];

// --- the "ps" watcher: samples every process's command line while applies run ----------

const seenCmdlines = new Set<string>();
let sampling: NodeJS.Timeout | null = null;
function sampleOnce(): void {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (cmd) seenCmdlines.add(cmd);
    } catch { /* gone */ }
  }
}
const startSampling = () => { sampling ??= setInterval(sampleOnce, 1); };
const stopSampling = () => { if (sampling) clearInterval(sampling); sampling = null; };

async function applySnapshot(sessions: DesiredSession[]) {
  startSampling();
  try {
    return await dp.applySnapshot(++version, sessions);
  } finally {
    stopSampling();
  }
}
async function applyDelta(upserts: DesiredSession[], removes: string[]) {
  startSampling();
  try {
    return await dp.applyDelta(++version, upserts, removes);
  } finally {
    stopSampling();
  }
}

// --- clients, configured the way an untrusted client may configure itself ---------------

/**
 * A client interface with its overlay address and the gateway as its only peer. `allowed`
 * is what the client chooses to send into the tunnel; routing is wg-quick's: everything not
 * marked by WireGuard itself is looked up in a table that sends `allowed` into the tunnel.
 */
async function setUpClient(role: 'c1' | 'c2', allowed: string[]): Promise<string> {
  const ifname = topo.ifname(role);
  const netns = topo.ns(role);
  await createInterface(ifname, { privateKey: keys[role], netns });
  await runTool('wg', ['set', ifname, 'fwmark', FWMARK], { netns });
  await addPeers(ifname, [{ publicKey: publicKeyOf(gwKey), presharedKey: psks[role], allowedIps: allowed, endpoint: `${ADDR.gw}:${WG_PORT}` }], { netns });
  const lines = [`addr add ${OVERLAY[role]}/32 dev ${ifname}`, `rule add not fwmark ${FWMARK} table ${FWMARK}`];
  for (const a of allowed) lines.push(`route add ${a === '0.0.0.0/0' ? 'default' : a} dev ${ifname} table ${FWMARK}`);
  await topo.exec(role, 'ip', ['-b', '-'], { stdin: lines.join('\n') + '\n' });
  return ifname;
}

/** A new session's client: a fresh key pair on its interface (so it handshakes anew). */
async function rekeyClient(role: 'c1' | 'c2'): Promise<void> {
  keys[role] = generatePrivateKey();
  secrets.push(keys[role]);
  await runTool('wg', ['set', topo.ifname(role), 'private-key', '/dev/stdin'], { stdin: keys[role], netns: topo.ns(role), stdinByPath: true });
}

async function denied(): Promise<string[]> {
  return parseDeniedJson(await topo.exec('gw', 'nft', ['-j', 'list', 'set', 'inet', 'wicket', 'denied']))
    .map((d) => `${d.overlay} ${d.destination} ${d.protocol}/${d.port}`);
}

/** The elements of the IPv4 allow sets (exact and interval), as the kernel lists them. */
async function listedIpv4(now: number) {
  const sets = ALLOW_SETS.filter((set) => !allowSetKind(set).v6);
  return (await Promise.all(sets.map(async (set) => parseSetJson(await topo.exec('gw', 'nft', ['-j', 'list', 'set', 'inet', 'wicket', set]), set, now)))).flat();
}

let probedRemoval = '';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('gateway data plane (real namespaces, wireguard-go, wg, nft)', () => {
  before(async () => {
    topo = await createWicketTopology();
    gwIf = topo.ifname('g');
    await Promise.all([
      startServer(topo, 'r1', 'tcp-echo', 7), startServer(topo, 'r1', 'tcp-echo', 8), startServer(topo, 'r1', 'tcp-echo', 22),
      startServer(topo, 'r2', 'tcp-echo', 7),
      startServer(topo, 'gw', 'tcp-echo', 7), startServer(topo, 'ctl', 'tcp-echo', 7),
      startServer(topo, 'c2', 'tcp-echo', 7),
    ]);
    udpServer = await startServer(topo, 'r1', 'udp-echo', 5353);
    c1Server = await startServer(topo, 'c1', 'tcp-echo', 9);
    dp = new RemoteDataPlane(topo, 'gw');
    const info = await dp.start({ interfaceName: gwIf, privateKey: gwKey, listenPort: WG_PORT });
    assert.equal(info.reused, false);
    probedRemoval = info.removal; // 'expire' on Linux 6.10+, where the cut tests below run that way
    // Filler sessions make the first snapshot's wg/nft runs big enough for the ps watcher to see.
    const filler = Array.from({ length: 300 }, (_, i): DesiredSession => {
      const psk = generatePresharedKey();
      secrets.push(psk);
      return {
        id: `filler-${i}`, overlayAddress: `100.65.${i >> 8}.${i & 255}`, publicKey: publicKeyOf(generatePrivateKey()), presharedKey: psk,
        expiresAtMs: Date.now() + HOUR, rules: [{ destination: LAN_CIDR, protocol: 'tcp', portFrom: 1000 + i, portTo: 1000 + i, expiresAtMs: Date.now() + HOUR }],
      };
    });
    const r = await applySnapshot([session('c1', s1Rules), session('c2', s2Rules), ...filler]);
    assert.deepEqual([r.sessions, r.peersAdded, r.elementsAdded], [302, 302, 306]);
    // Clients only after the gateway knows them (as `wicket up` does after the gateway acks).
    await setUpClient('c1', ['0.0.0.0/0']); // the client widens its own AllowedIPs
    await setUpClient('c2', [LAN_CIDR]);
  });

  after(() => {
    stopSampling();
    topo?.cleanup();
  });

  test('an entitled tuple is reachable (tcp, udp, icmp)', async () => {
    assert.equal(await tcpConnect(topo, 'c1', ADDR.r1, 7, 8000), 'connected'); // first packet: handshake
    assert.ok(await probeUdp(topo, 'c1', ADDR.r1, 5353, 3000));
    assert.ok(await ping(topo, 'c1', ADDR.r1, 3000));
    assert.equal(await tcpConnect(topo, 'c2', ADDR.r2, 7, 8000), 'connected');
  });

  test('other ports, other resources, the gateway host, the controller and the other client are not', async () => {
    const results = await Promise.all([
      tcpConnect(topo, 'c1', ADDR.r1, 8), // other port (c2 is entitled to it)
      tcpConnect(topo, 'c1', ADDR.r1, 22), // other port
      tcpConnect(topo, 'c1', ADDR.r2, 7), // other resource (c2 is entitled to it)
      tcpConnect(topo, 'c1', ADDR.gwLan, 7), // the gateway's LAN address, through the tunnel
      tcpConnect(topo, 'c1', ADDR.gw, 7), // the gateway's WAN address, through the tunnel
      tcpConnect(topo, 'c1', ADDR.ctl, 7), // the controller, through the tunnel
      tcpConnect(topo, 'c1', OVERLAY.c2, 7), // the other client's overlay address
      tcpConnect(topo, 'c1', ADDR.c2, 7), // the other client's own address, through the tunnel
    ]);
    assert.deepEqual(results, Array(8).fill('timeout'));
    assert.deepEqual(await Promise.all([ping(topo, 'c1', ADDR.r2), ping(topo, 'c1', ADDR.gwLan), ping(topo, 'c1', OVERLAY.c2)]), [false, false, false]);
    // Those packets did reach the gateway through the tunnel and were refused there.
    const d = await denied();
    for (const t of [`${ADDR.r1} tcp/8`, `${ADDR.r1} tcp/22`, `${ADDR.r2} tcp/7`, `${ADDR.ctl} tcp/7`, `${OVERLAY.c2} tcp/7`, `${ADDR.c2} tcp/7`, `${ADDR.r2} icmp/0`]) {
      assert.ok(d.includes(`${OVERLAY.c1} ${t}`), `denied set lacks ${t}: ${d.join(', ')}`);
    }
    // The services are up: from outside the tunnel they answer.
    assert.equal(await tcpConnect(topo, 'c2', ADDR.gw, 7), 'connected');
    assert.equal(await tcpConnect(topo, 'ctl', ADDR.c2, 7), 'connected');
  });

  test('a client that routes 0.0.0.0/0 into the tunnel gains nothing beyond its grants', async () => {
    const peers = (await dump(topo.ifname('c1'), { netns: topo.ns('c1') })).peers;
    assert.deepEqual(peers.map((p) => p.allowedIps), [['0.0.0.0/0']]);
    assert.equal(await tcpConnect(topo, 'c1', ADDR.r1, 7), 'connected');
    assert.deepEqual(await Promise.all([tcpConnect(topo, 'c1', '198.18.0.99', 443), tcpConnect(topo, 'c1', '198.19.0.99', 53)]), ['timeout', 'timeout']);
    const d = await denied();
    assert.ok(d.includes(`${OVERLAY.c1} 198.18.0.99 tcp/443`) && d.includes(`${OVERLAY.c1} 198.19.0.99 tcp/53`));
  });

  test('a packet with a spoofed inner source address is dropped', async () => {
    // c1 sends as c2 (whose session may reach r1 udp/5353); only c1's own address may pass.
    await topo.exec('c1', 'ip', ['addr', 'add', `${OVERLAY.c2}/32`, 'dev', topo.ifname('c1')]);
    const marker = `spoof-${Date.now()}`;
    await probeUdp(topo, 'c1', ADDR.r1, 5353, 1000, { message: marker, bind: OVERLAY.c2 });
    const legit = `legit-${Date.now()}`;
    assert.ok(await probeUdp(topo, 'c1', ADDR.r1, 5353, 3000, { message: legit, bind: OVERLAY.c1 }));
    const got = udpServer.events.map((e) => e.data);
    assert.ok(got.includes(legit));
    assert.ok(!got.includes(marker), 'the spoofed datagram reached the resource');
    await topo.exec('c1', 'ip', ['addr', 'del', `${OVERLAY.c2}/32`, 'dev', topo.ifname('c1')]);
  });

  test('a connection initiated from the resource side toward a client is dropped', async () => {
    // Give r1 the route it normally lacks, so the attempt does reach the gateway.
    await topo.exec('r1', 'ip', ['route', 'add', '100.64.0.0/10', 'via', ADDR.gwLan]);
    try {
      assert.equal(await tcpConnect(topo, 'r1', OVERLAY.c1, 9), 'timeout');
      assert.ok(!c1Server.events.some((e) => 'accepted' in e));
      assert.equal(await ping(topo, 'r1', OVERLAY.c1), false);
    } finally {
      await topo.exec('r1', 'ip', ['route', 'del', '100.64.0.0/10']);
    }
  });

  test('narrowing a session stops its established TCP stream at the next packet, the rest stays', async () => {
    const stream = await startStream(topo, 'c2', ADDR.r1, 8);
    await stream.waitForEchoes(10);
    const r = await applyDelta([session('c2', s2Rules.filter((x) => x.portFrom !== 8))], []);
    const committed = Date.now();
    assert.deepEqual([r.elementsDeleted, r.peersAdded, r.peersRemoved], [1, 0, 0]);
    await sleep(1000);
    assert.ok(stream.echoesSince(committed) <= 1, `${stream.echoesSince(committed)} echoes after the commit`);
    stream.stop();
    assert.equal(await tcpConnect(topo, 'c2', ADDR.r2, 7), 'connected');
  });

  test('data a resource pushes toward a client stops at the next packet once the grant goes (no conntrack flush needed)', async () => {
    const push = await startServer(topo, 'r1', 'tcp-push', 9100);
    try {
      const grant = { destination: ADDR.r1, protocol: 'tcp' as const, portFrom: 9100, portTo: 9100 };
      const kept = s2Rules.filter((x) => x.portFrom !== 8);
      await applyDelta([session('c2', [...kept, grant])], []);
      const stream = await startStream(topo, 'c2', ADDR.r1, 9100, 0); // c2 sends nothing: data flows toward it only
      await stream.waitForEchoes(20);
      const r = await applyDelta([session('c2', kept)], []);
      const committed = Date.now();
      assert.equal(r.elementsDeleted, 1);
      await sleep(500); // within the conntrack flush's delay: only the rules can have stopped it
      assert.ok(stream.echoesSince(committed + 20) === 0, `${stream.echoesSince(committed + 20)} pushed lines arrived after the commit`);
      stream.stop();
    } finally {
      push.stop();
    }
  });

  test('a range grant passes through the interval set beside exact grants in the hash set; its removal cuts an established stream at the next packet', async () => {
    const kept = s2Rules.filter((x) => x.portFrom !== 8);
    const range = { destination: LAN_CIDR, protocol: 'tcp' as const, portFrom: 8, portTo: 22 };
    await applyDelta([session('c2', [...kept, range])], []);
    const c2Sets = (await listedIpv4(Date.now())).filter((e) => e.overlay === OVERLAY.c2).map((e) => `${e.set} ${e.protocol} ${e.portFrom}-${e.portTo}`).sort();
    assert.deepEqual(c2Sets, ['allow tcp 8-22', 'allow_exact tcp 7-7', 'allow_exact udp 5353-5353']);
    assert.deepEqual(await Promise.all([tcpConnect(topo, 'c2', ADDR.r1, 8, 4000), tcpConnect(topo, 'c2', ADDR.r1, 22, 4000), tcpConnect(topo, 'c2', ADDR.r2, 7, 4000)]), ['connected', 'connected', 'connected']);
    assert.deepEqual(await Promise.all([tcpConnect(topo, 'c2', ADDR.r1, 7), tcpConnect(topo, 'c2', ADDR.r1, 9100)]), ['timeout', 'timeout'], 'ports next to the range stay refused');
    const stream = await startStream(topo, 'c2', ADDR.r1, 8);
    await stream.waitForEchoes(10);
    const r = await applyDelta([session('c2', kept)], []);
    const committed = Date.now();
    assert.equal(r.elementsDeleted, 1);
    await sleep(1000);
    assert.ok(stream.echoesSince(committed) <= 1, `${stream.echoesSince(committed)} echoes after the commit (removal by ${probedRemoval})`);
    stream.stop();
    assert.equal(await tcpConnect(topo, 'c2', ADDR.r1, 8), 'timeout');
    assert.equal(await tcpConnect(topo, 'c2', ADDR.r2, 7), 'connected', 'the exact grants stay');
  });

  test('a rule whose port range changes is replaced in one transaction (the old range does not block the new)', async () => {
    const kept = s2Rules.filter((x) => x.portFrom !== 8);
    const widened = kept.map((x) => (x.protocol === 'udp' ? { ...x, portTo: 5360 } : x));
    const listed = async () => (await topo.exec('gw', 'nft', ['list', 'set', 'inet', 'wicket', 'allow'])).split('\n').filter((l) => l.includes(`${OVERLAY.c2} . `) && l.includes('udp'));
    const r = await applyDelta([session('c2', widened)], []);
    assert.deepEqual([r.elementsDeleted, r.elementsAdded], [1, 1]);
    assert.match((await listed()).join(' '), /udp \. 5353-5360/);
    const back = await applyDelta([session('c2', kept)], []);
    assert.deepEqual([back.elementsDeleted, back.elementsAdded], [1, 1]);
    assert.doesNotMatch((await listed()).join(' '), /5353-5360/);
    assert.equal(await tcpConnect(topo, 'c2', ADDR.r2, 7), 'connected');
  });

  test('removing a session stops its established TCP stream at the next packet', async () => {
    const stream = await startStream(topo, 'c1', ADDR.r1, 7);
    await stream.waitForEchoes(10);
    const r = await applyDelta([], ['s-c1']);
    const committed = Date.now();
    assert.deepEqual([r.peersRemoved, r.elementsDeleted], [1, 3]);
    await sleep(1000);
    assert.ok(stream.echoesSince(committed) <= 1, `${stream.echoesSince(committed)} echoes after the commit (removal by ${probedRemoval})`);
    stream.stop();
    assert.equal(await tcpConnect(topo, 'c1', ADDR.r1, 7), 'timeout');
    const peers = (await dump(gwIf, { netns: topo.ns('gw') })).peers.map((p) => p.publicKey);
    assert.ok(!peers.includes(publicKeyOf(keys.c1)));
  });

  test('a rule whose expiry passes stops working with the agent dead (kernel timeout)', async () => {
    const expiresAt = Date.now() + 6000;
    await rekeyClient('c1');
    await applyDelta([session('c1', s1Rules, expiresAt)], []);
    assert.equal(await tcpConnect(topo, 'c1', ADDR.r1, 7, 4000), 'connected');
    await dp.kill('SIGKILL');
    await sleep(Math.max(0, expiresAt - Date.now()) + 500);
    assert.equal(await tcpConnect(topo, 'c1', ADDR.r1, 7), 'timeout');
    // Nothing removed the peer: the kernel's element timeout did the work.
    const peers = (await dump(gwIf, { netns: topo.ns('gw') })).peers.map((p) => p.publicKey);
    assert.ok(peers.includes(publicKeyOf(keys.c1)));
  });

  test('a fresh data plane over stale peers and elements leaves exactly the desired state', async () => {
    // Junk a previous life might have left: a peer and an element nobody wants.
    const junk = publicKeyOf(generatePrivateKey());
    await topo.exec('gw', 'wg', ['set', gwIf, 'peer', junk, 'allowed-ips', '100.64.9.9/32']);
    await topo.exec('gw', 'nft', ['add element inet wicket allow { 100.64.9.9 . 198.19.0.10 . tcp . 22 timeout 1h }']);
    // Removal by `delete`, as on kernels older than 6.10 (the tests above used the probed way).
    dp = new RemoteDataPlane(topo, 'gw');
    const info = await dp.start({ interfaceName: gwIf, privateKey: gwKey, listenPort: WG_PORT, removal: 'delete' });
    assert.deepEqual([info.reused, info.removal], [true, 'delete']);
    const s2 = session('c2', s2Rules);
    const r = await applySnapshot([s2]);
    assert.equal(r.sessions, 1);

    const wg = await dump(gwIf, { netns: topo.ns('gw') });
    assert.equal(wg.publicKey, publicKeyOf(gwKey));
    assert.deepEqual(wg.peers.map((p) => [p.publicKey, p.allowedIps]), [[s2.publicKey, [`${OVERLAY.c2}/32`]]]);
    const now = Date.now();
    const listed = await listedIpv4(now);
    const want = sessionElements(OVERLAY.c2, s2.expiresAtMs, s2.rules.map((x) => ({ ...x, destinations: [x.destination] })), now);
    assert.deepEqual(listed.map(elementKey).sort(), want.map(elementKey).sort());
    // Each in its own set: the junk exact element left in the interval set is gone from it.
    assert.deepEqual(listed.map((e) => e.set).sort(), want.map(allowSetOf).sort());
    // Exactly one copy of each rule, in our table only.
    const ruleset = await topo.exec('gw', 'nft', ['list', 'table', 'inet', 'wicket']);
    assert.equal(ruleset.match(/@allow accept/g)?.length, 6); // tcp and udp, from and toward the tunnel; tcp (proxy, DNS) and udp (DNS) at input
    assert.equal(ruleset.match(/@allow_exact accept/g)?.length, 6); // each in front of its interval lookup
    assert.equal(ruleset.match(/@allow6 accept/g)?.length, 4); // the same for IPv6 (nothing at input)
    assert.equal(ruleset.match(/@allow6_exact accept/g)?.length, 4);
    assert.equal(ruleset.match(/masquerade/g)?.length, 2); // IPv4 and IPv6

    // And it enforces: c2 still reaches its grant; c1 (stale) reaches nothing.
    assert.equal(await tcpConnect(topo, 'c2', ADDR.r2, 7, 4000), 'connected');
    assert.equal(await tcpConnect(topo, 'c1', ADDR.r1, 7), 'timeout');
    // A second identical snapshot changes nothing.
    const again = await applySnapshot([s2]);
    assert.deepEqual([again.peersAdded, again.peersRemoved, again.elementsAdded, again.elementsDeleted], [0, 0, 0, 0]);

    // A delete cuts an established stream at its next packet, as an expiry does.
    const stream = await startStream(topo, 'c2', ADDR.r2, 7);
    await stream.waitForEchoes(10);
    const r2 = await applyDelta([session('c2', s2Rules.filter((x) => x.destination !== ADDR.r2))], []);
    const committed = Date.now();
    assert.ok(r2.elementsDeleted >= 1);
    await sleep(1000);
    assert.ok(stream.echoesSince(committed) <= 1, `${stream.echoesSince(committed)} echoes after the commit (removal by delete)`);
    stream.stop();
  });

  test('the nft -i shell: one line is one atomic transaction, its error is reported, the next works', async () => {
    const shell = new NftShell({ netns: topo.ns('gw') });
    const has = async (overlay: string) => (await topo.exec('gw', 'nft', ['list', 'set', 'inet', 'wicket', 'allow'])).includes(`${overlay} . `);
    try {
      await shell.run('add element inet wicket allow { 100.64.77.1 . 198.19.0.10 . tcp . 9999 timeout 60s }\n');
      assert.ok(await has('100.64.77.1'));
      await assert.rejects(
        shell.run('add element inet wicket allow { 100.64.77.2 . 198.19.0.10 . tcp . 9999 timeout 60s }\nadd element inet wicket nosuch { 1.2.3.4 }\n'),
        /^Error: nft: .*nosuch/,
      );
      assert.ok(!(await has('100.64.77.2')), 'half a failed transaction was applied');
      await shell.run('add element inet wicket allow { 100.64.77.1 . 198.19.0.10 . tcp . 9999 timeout 1000ms expires 1ms }\n');
      await sleep(20);
      assert.ok(!(await has('100.64.77.1')));
    } finally {
      shell.close();
    }
  });

  test('no key ever appeared in a command line while applying', () => {
    const cmdlines = [...seenCmdlines];
    assert.ok(cmdlines.some((c) => /\bwg (addconf|set|show)\b/.test(c)), 'the watcher never saw a wg run');
    assert.ok(cmdlines.some((c) => /\bnft -f -/.test(c)), 'the watcher never saw an nft run');
    for (const c of cmdlines) {
      for (const s of secrets) assert.ok(!c.includes(s), `a key in: ${c.slice(0, 80)}`);
    }
  });

  test('cleanup removes the namespaces, daemons and sockets of the run', async () => {
    await dp.close();
    const names = ['gw', 'c1', 'c2', 'r1', 'wan'].map((r) => topo.ns(r));
    const ifnames = [gwIf, topo.ifname('c1'), topo.ifname('c2')];
    topo.cleanup();
    await sleep(200);
    for (const ns of names) assert.ok(!existsSync(`/run/netns/${ns}`), ns);
    for (const i of ifnames) assert.ok(!existsSync(socketPath(i)), i);
    const daemons = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return ifnames.some((i) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(i));
      } catch {
        return false;
      }
    });
    assert.deepEqual(daemons, []);
  });
});
