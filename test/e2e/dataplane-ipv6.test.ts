// End-to-end proof, with real packets, of the gateway data plane's IPv6 enforcement and of
// what the gateway host itself accepts from the tunnel (its service address: DNS and the
// proxy port through @allow, echo through @allow_icmp, nothing else, no IPv6 at all).
// Network namespaces, real wireguard-go, wg and nft; no controller: the test drives a real
// WireGuardDataPlane in the gateway's namespace (RemoteDataPlane) and configures the clients
// itself with `wg`, as an untrusted client would. The IPv6 addresses of the LAN are added
// here, on top of the standard topology. Needs root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addPeers } from '../../common/wireguard/peers.js';
import { createInterface } from '../../common/wireguard/interface.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import type { DesiredSession } from '../../gateway/dataplane/dataplane.js';
import { parseCounterJson, parseDeniedJson } from '../../gateway/dataplane/listing.js';
import {
  ADDR, Program, RemoteDataPlane, createWicketTopology, ping, probeUdp, startServer, startStream, tcpConnect,
  type Topology,
} from '../../scripts/topology/index.js';

const WG_PORT = 51820;
const HOUR = 3_600_000;
/** IPv6 on the resource LAN (the gateway's side and two resources). */
const V6 = { gwLan: 'fd19::1', r1: 'fd19::10', r2: 'fd19::20' } as const;
/** Overlay addresses: the IPv6 ones as the controller derives them in DEFAULT_OVERLAY_IPV6. */
const OVERLAY = { c1: '100.64.0.2', c2: '100.64.0.3' } as const;
const OVERLAY6 = { c1: 'fd6b:7769:636b::2', c2: 'fd6b:7769:636b::3' } as const;
const OVERLAY6_PREFIX = 'fd6b:7769:636b::/64';
/** The gateway's service address (an overlay address on its interface). */
const SERVICE = '100.64.0.1';

let topo: Topology;
let dp: RemoteDataPlane;
let gwIf: string;
const gwKey = generatePrivateKey();
const keys = { c1: generatePrivateKey(), c2: generatePrivateKey() };
const psks = { c1: generatePresharedKey(), c2: generatePresharedKey() };
let version = 0;
const EXPIRES = Date.now() + HOUR;

type Rule = Omit<DesiredSession['rules'][number], 'expiresAtMs'>;
function session(role: 'c1' | 'c2', rules: Rule[]): DesiredSession {
  return {
    id: `s-${role}`, overlayAddress: OVERLAY[role], overlayIpv6: OVERLAY6[role], publicKey: publicKeyOf(keys[role]), presharedKey: psks[role],
    expiresAtMs: EXPIRES, rules: rules.map((r) => ({ ...r, expiresAtMs: EXPIRES })),
  };
}
const c1Rules: Rule[] = [
  { destination: V6.r1, protocol: 'tcp', portFrom: 7, portTo: 7 },
  { destination: V6.r1, protocol: 'udp', portFrom: 5353, portTo: 5353 },
  { destination: V6.r1, protocol: 'icmp', portFrom: 0, portTo: 0 },
  // The gateway's own services: DNS both ways, echo; udp/80 and tcp/22 held but not served.
  { destination: SERVICE, protocol: 'udp', portFrom: 53, portTo: 53 },
  { destination: SERVICE, protocol: 'tcp', portFrom: 53, portTo: 53 },
  { destination: SERVICE, protocol: 'udp', portFrom: 80, portTo: 80 },
  { destination: SERVICE, protocol: 'tcp', portFrom: 22, portTo: 22 },
  { destination: SERVICE, protocol: 'icmp', portFrom: 0, portTo: 0 },
];
const c2Rules: Rule[] = [{ destination: V6.r2, protocol: 'tcp', portFrom: 7, portTo: 7 }];

// Servers and probes on IPv6 (the topology's programs listen on IPv4 only).
const SERVER6 = String.raw`
const [kind, port] = process.argv.slice(1);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n');
if (kind === 'tcp') require('node:net').createServer((s) => { s.on('error', () => s.destroy()); s.pipe(s); }).listen(Number(port), '::', () => say({ ready: true }));
else { const u = require('node:dgram').createSocket('udp6'); u.on('message', (m, r) => u.send(m, r.port, r.address)); u.bind(Number(port), '::', () => say({ ready: true })); }
`;
const UDP6_PROBE = String.raw`
const [host, port] = process.argv.slice(1);
const u = require('node:dgram').createSocket('udp6');
u.on('message', () => process.exit(0)); u.on('error', () => process.exit(2));
u.send('probe', Number(port), host); setTimeout(() => process.exit(1), 1500);
`;

async function startServer6(role: string, kind: 'tcp' | 'udp', port: number): Promise<Program> {
  const p = new Program(topo.spawn(role, process.execPath, ['-e', SERVER6, kind, String(port)]));
  await p.until((ev) => ev.some((e) => e.ready === true), 5000, `${kind}6 server on ${role}:${port}`);
  return p;
}

async function probeUdp6(role: string, host: string, port: number): Promise<boolean> {
  try {
    await topo.exec(role, process.execPath, ['-e', UDP6_PROBE, host, String(port)], { timeoutMs: 6500 });
    return true;
  } catch (e) {
    if (/exited with code 1$/.test((e as Error).message)) return false;
    throw e;
  }
}

/** One ICMPv6 echo from `role` (perl's core Net::Ping, as the topology's ping does for IPv4). */
async function ping6(role: string, host: string): Promise<boolean> {
  const script = 'use Net::Ping; my $p = Net::Ping->new("icmpv6", 1.5); exit($p->ping($ARGV[0]) ? 0 : 1);';
  try {
    await topo.exec(role, 'perl', ['-e', script, host], { timeoutMs: 6500 });
    return true;
  } catch (e) {
    if (/exited with code 1$/.test((e as Error).message)) return false;
    throw e;
  }
}

/**
 * A client interface sending all of IPv6 (and the gateway's service address) into the tunnel:
 * a client may route what it likes; only the gateway's sets decide what passes.
 */
async function setUpClient(role: 'c1' | 'c2'): Promise<void> {
  const ifname = topo.ifname(role);
  const netns = topo.ns(role);
  await createInterface(ifname, { privateKey: keys[role], netns });
  await addPeers(ifname, [{ publicKey: publicKeyOf(gwKey), presharedKey: psks[role], allowedIps: ['::/0', `${SERVICE}/32`], endpoint: `${ADDR.gw}:${WG_PORT}` }], { netns });
  const lines = [
    `addr add ${OVERLAY[role]}/32 dev ${ifname}`, `addr add ${OVERLAY6[role]}/128 dev ${ifname} nodad`,
    `route add ${SERVICE}/32 dev ${ifname}`, `route add fd19::/64 dev ${ifname}`, `route add ${OVERLAY6_PREFIX} dev ${ifname}`,
  ];
  await topo.exec(role, 'ip', ['-b', '-'], { stdin: lines.join('\n') + '\n' });
}

async function denied6(): Promise<string[]> {
  return parseDeniedJson(await topo.exec('gw', 'nft', ['-j', 'list', 'set', 'inet', 'wicket', 'denied6']), 'denied6')
    .map((d) => `${d.overlay} ${d.destination} ${d.protocol}/${d.port}`);
}

async function spoofed(): Promise<number> {
  return parseCounterJson(await topo.exec('gw', 'nft', ['-j', 'list', 'counter', 'inet', 'wicket', 'spoofed']), 'spoofed');
}

describe('gateway data plane over IPv6, and the gateway host\'s own services (real namespaces)', () => {
  before(async () => {
    topo = await createWicketTopology();
    gwIf = topo.ifname('g');
    // The LAN gets IPv6 (gw's eth1 is its LAN side); the resources get no route to the
    // overlay: the gateway's IPv6 masquerade is what makes them answer.
    await Promise.all([
      topo.exec('gw', 'ip', ['addr', 'add', `${V6.gwLan}/64`, 'dev', 'eth1', 'nodad']),
      topo.exec('r1', 'ip', ['addr', 'add', `${V6.r1}/64`, 'dev', 'eth0', 'nodad']),
      topo.exec('r2', 'ip', ['addr', 'add', `${V6.r2}/64`, 'dev', 'eth0', 'nodad']),
    ]);
    await Promise.all([
      startServer6('r1', 'tcp', 7), startServer6('r1', 'tcp', 22), startServer6('r1', 'udp', 5353),
      startServer6('r2', 'tcp', 7), startServer6('gw', 'tcp', 7), startServer6('c2', 'tcp', 7),
      // The gateway host's services on its service address (0.0.0.0 covers it).
      startServer(topo, 'gw', 'tcp-echo', 53), startServer(topo, 'gw', 'udp-echo', 53),
      startServer(topo, 'gw', 'udp-echo', 80), startServer(topo, 'gw', 'tcp-echo', 22),
    ]);
    dp = new RemoteDataPlane(topo, 'gw');
    await dp.start({ interfaceName: gwIf, privateKey: gwKey, listenPort: WG_PORT, overlayIpv6: OVERLAY6_PREFIX });
    await topo.exec('gw', 'ip', ['addr', 'add', `${SERVICE}/32`, 'dev', gwIf]);
    await dp.applySnapshot(++version, [session('c1', c1Rules), session('c2', c2Rules)]);
    await Promise.all([setUpClient('c1'), setUpClient('c2')]);
    assert.equal((await topo.exec('gw', 'sysctl', ['-n', 'net.ipv6.conf.all.forwarding'])).trim(), '1', 'IPv6 forwarding turned on at start');
  });

  after(async () => {
    await dp?.close().catch(() => undefined);
    topo?.cleanup();
  });

  test('peers get their IPv6 /128 beside the IPv4 /32', async () => {
    const dump = await topo.exec('gw', 'wg', ['show', gwIf, 'allowed-ips']);
    assert.match(dump, new RegExp(`${publicKeyOf(keys.c1).replace(/[+/]/g, '.')}\\t${OVERLAY.c1}/32 ${OVERLAY6.c1}/128`));
  });

  test('a session reaches its IPv6 resource port (tcp, udp, icmpv6), not another port or address', async () => {
    assert.equal(await tcpConnect(topo, 'c1', V6.r1, 7), 'connected');
    assert.equal(await probeUdp6('c1', V6.r1, 5353), true);
    assert.equal(await ping6('c1', V6.r1), true);
    assert.equal(await tcpConnect(topo, 'c1', V6.r1, 22), 'timeout', 'another port of the resource');
    assert.equal(await tcpConnect(topo, 'c1', V6.r2, 7), 'timeout', 'another session\'s resource');
    assert.equal(await ping6('c1', V6.r2), false);
    assert.equal(await tcpConnect(topo, 'c2', V6.r2, 7), 'connected');
    assert.equal(await tcpConnect(topo, 'c2', V6.r1, 7), 'timeout');
    assert.equal(await ping6('c2', V6.r1), false, 'icmpv6 needs its own grant');
    const seen = await denied6();
    assert.ok(seen.includes(`${OVERLAY6.c1} ${V6.r1} tcp/22`), `denied6 records the attempt: ${seen.join(', ')}`);
    assert.ok(seen.includes(`${OVERLAY6.c2} ${V6.r1} tcp/7`), `denied6: ${seen.join(', ')}`);
    assert.ok(seen.includes(`${OVERLAY6.c2} ${V6.r1} icmp/0`), `ICMPv6 is reported as the policy's icmp: ${seen.join(', ')}`);
  });

  test('IPv6 toward another session\'s overlay address and to the gateway host is dropped', async () => {
    assert.equal(await tcpConnect(topo, 'c1', OVERLAY6.c2, 7), 'timeout', 'client to client');
    assert.equal(await tcpConnect(topo, 'c1', V6.gwLan, 7), 'timeout', 'the gateway host over IPv6');
    assert.equal(await ping6('c1', V6.gwLan), false);
    // The servers are there: from the LAN they answer.
    assert.equal(await tcpConnect(topo, 'r1', V6.gwLan, 7), 'connected');
    const seen = await denied6();
    assert.ok(seen.includes(`${OVERLAY6.c1} ${OVERLAY6.c2} tcp/7`), `denied6: ${seen.join(', ')}`);
    assert.ok(seen.includes(`${OVERLAY6.c1} ${V6.gwLan} tcp/7`), `denied6: ${seen.join(', ')}`);
  });

  test('the gateway host accepts DNS (udp, tcp) and echo on its service address through a session\'s elements, nothing else', async () => {
    assert.equal(await probeUdp(topo, 'c1', SERVICE, 53), true, 'udp/53');
    assert.equal(await tcpConnect(topo, 'c1', SERVICE, 53), 'connected', 'tcp/53');
    assert.equal(await ping(topo, 'c1', SERVICE), true, 'echo-request');
    assert.equal(await probeUdp(topo, 'c1', SERVICE, 80), false, 'udp/80: held in @allow, still not a service of the host');
    assert.equal(await tcpConnect(topo, 'c1', SERVICE, 22), 'timeout', 'tcp/22: held in @allow, still not a service of the host');
    // c2 holds none of these elements.
    assert.equal(await probeUdp(topo, 'c2', SERVICE, 53), false);
    assert.equal(await tcpConnect(topo, 'c2', SERVICE, 53), 'timeout');
    assert.equal(await ping(topo, 'c2', SERVICE), false);
  });

  test('revocation cuts an established IPv6 TCP flow at its next packet', async () => {
    const stream = await startStream(topo, 'c1', V6.r1, 7);
    await stream.waitForEchoes(5);
    await dp.applyDelta(++version, [session('c1', c1Rules.filter((r) => r.destination !== V6.r1 || r.protocol !== 'tcp'))], []);
    const committed = Date.now();
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(stream.echoesSince(committed) <= 1, `${stream.echoesSince(committed)} echoes after the commit`);
    // The cut flow's conntrack entry is freed by the batched flush (IPv6 overlays included).
    const tracked = () => topo.exec('gw', 'conntrack', ['-L', '-f', 'ipv6', '-s', OVERLAY6.c1, '-p', 'tcp', '--dport', '7']);
    assert.match(await tracked(), /dport=7/, 'the flow was tracked');
    let left = '';
    for (let i = 0; i < 30 && (left = await tracked()).includes('dport=7'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.doesNotMatch(left, /dport=7/, `the flow's entry was flushed: ${left} ${dp.stderr.join('')}`);
    assert.equal(await tcpConnect(topo, 'c1', V6.r1, 7), 'timeout', 'no new connection either');
    assert.equal(await probeUdp6('c1', V6.r1, 5353), true, 'the rest of the session stays');
    stream.child.kill();
  });

  test('a LAN host posing as a session\'s IPv6 overlay address is dropped before anything else', async () => {
    // r1 takes c1's overlay address and routes the overlay through the gateway.
    await topo.exec('r1', 'ip', ['-b', '-'], { stdin: `addr add ${OVERLAY6.c1}/128 dev eth0 nodad\nroute add ${OVERLAY6_PREFIX} via ${V6.gwLan}\n` });
    const before = await spoofed();
    const deniedBefore = await denied6();
    assert.equal(await tcpConnect(topo, 'r1', OVERLAY6.c2, 7, 1500, OVERLAY6.c1), 'timeout', 'toward another session');
    assert.equal(await tcpConnect(topo, 'r1', V6.gwLan, 7, 1500, OVERLAY6.c1), 'timeout', 'toward the gateway host');
    assert.ok(await spoofed() >= before + 2, 'counted as spoofed');
    assert.deepEqual(await denied6(), deniedBefore, 'never recorded as the session\'s attempt');
  });
});
