// IPv6 end to end in network namespaces, with real packets: every session gets an IPv6
// overlay address (from the prefix the controller and gateway are configured with), alice
// reaches her IPv6 resource and nothing else behind the gateway over IPv6 (another port,
// another address, the gateway host, its IPv6 service address, bob's IPv6 overlay address),
// not even after widening her own AllowedIPs to ::/0 or spoofing bob's IPv6 source; a
// resource cannot open an IPv6 connection toward her; refused IPv6 attempts are reported.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { overlayIpv6 } from '../../common/ipv6.js';
import { ADDR6, LAN6_CIDR, probeTcp, startServer, tcpConnect } from '../../scripts/topology/index.js';
import { eventually, WicketSystem } from '../../scripts/topology/system.js';

const POOL = '100.64.0.0/10';
/** Not the default prefix: the flag must reach both the controller and the gateway. */
const OVERLAY6 = 'fd77:6b:1::/64';
const WEB = 7000;
const OTHER = 7002;
const DB = 7001;
const HOST_PORT = 2222;

const POLICY = `gateways: [dc1]
resources:
  web6: { address: "${ADDR6.r1}", ports: [tcp/${WEB}], gateway: dc1 }
  db6: { address: "${ADDR6.r2}", ports: [tcp/${DB}], gateway: dc1 }
grants:
  - name: alice-web6
    to: [alice]
    resources: [web6]
  - name: bob-db6
    to: [bob]
    resources: [db6]
tests:
  - user: alice
    allow: [web6:tcp/${WEB}]
    deny: [db6:tcp/${DB}]
`;

interface SessionView { id: string; username: string; overlayAddress: string; overlayIpv6: string }
interface Denied { attempt: { source: string; destination: string; port: number; sessionId: string } }

describe('IPv6 end to end', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let ifname = '';
  let alice: SessionView;
  let bob: SessionView;
  let service6 = '';

  before(async () => {
    sys = await WicketSystem.create('wicket-ipv6-', { ipv6: true });
    sys.servers.push(
      await startServer(sys.topo, 'r1', 'tcp-echo', WEB, undefined, '::'),
      await startServer(sys.topo, 'r1', 'tcp-echo', OTHER, undefined, '::'),
      await startServer(sys.topo, 'r2', 'tcp-echo', DB, undefined, '::'),
      await startServer(sys.topo, 'r2', 'tcp-echo', WEB, undefined, '::'),
      await startServer(sys.topo, 'gw', 'tcp-echo', HOST_PORT, undefined, '::'),
    );
    await sys.initController();
    await sys.startController(['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s', '--overlay-pool', POOL, '--overlay-ipv6', OVERLAY6]);
    await sys.addUser('alice');
    await sys.addUser('bob');
    await sys.applyPolicy(POLICY);
    await sys.enrollGateway();
    await sys.startGateway('dc1', ['--overlay-ipv6', OVERLAY6]);
    await sys.login('c1', 'alice');
    const a = await sys.up('c1', 'alice', 'a');
    ifname = a.interface;
    await sys.login('c2', 'bob');
    const b = await sys.up('c2', 'bob', 'b');
    const live = await sys.wicketctlJson<SessionView[]>(['session', 'list']);
    alice = live.find((s) => s.id === a.session.id)!;
    bob = live.find((s) => s.id === b.session.id)!;
    service6 = (await sys.wicketctlJson<{ name: string; serviceAddressIpv6: string }[]>(['gateway', 'list'])).find((g) => g.name === 'dc1')!.serviceAddressIpv6;
  });

  after(() => sys?.cleanup());

  test('each session has the IPv6 overlay address that goes with its IPv4 one; status shows it', async () => {
    for (const s of [alice, bob]) assert.equal(s.overlayIpv6, overlayIpv6(OVERLAY6, POOL, s.overlayAddress), `${s.username}'s IPv6 overlay address`);
    assert.notEqual(alice.overlayIpv6, bob.overlayIpv6);
    const st = JSON.parse(await sys.wicket('c1', 'alice', ['status', '--json'])) as { overlay_ipv6: string };
    assert.equal(st.overlay_ipv6, alice.overlayIpv6);
    assert.ok(service6, 'the gateway has an IPv6 service address');
  });

  test('alice reaches her IPv6 resource, bob his', async () => {
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR6.r1, WEB), 'alice reaches web6');
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR6.r2, DB), 'bob reaches db6');
  });

  test('not another port of her IPv6 resource', async () => {
    // Her client routes the address through the tunnel: only the gateway can refuse it.
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR6.r1, OTHER), 'timeout');
  });

  test('widening her own AllowedIPs to ::/0 gains nothing over IPv6', async () => {
    const peer = (await sys.topo.exec('c1', 'wg', ['show', ifname, 'peers'])).trim();
    await sys.topo.exec('c1', 'wg', ['set', ifname, 'peer', peer, 'allowed-ips', '0.0.0.0/0,::/0']);
    for (const to of [LAN6_CIDR, OVERLAY6]) await sys.topo.exec('c1', 'ip', ['-6', 'route', 'replace', to, 'dev', ifname]);
    // A refusal would mean the packet got through: everything must be silently dropped.
    const probes: [string, number, string][] = [
      [ADDR6.r2, DB, "bob's IPv6 resource"],
      [ADDR6.r2, WEB, 'her port on another IPv6 address'],
      [ADDR6.r1, OTHER, 'another port of her IPv6 resource'],
      [ADDR6.gwLan, HOST_PORT, "the gateway host's LAN address"],
      [service6, HOST_PORT, "the gateway's IPv6 service address"],
      [service6, 53, "the gateway's IPv6 service address, DNS port"],
      [bob.overlayIpv6, WEB, "bob's IPv6 overlay address"],
    ];
    for (const [host, port, what] of probes) assert.equal(await tcpConnect(sys.topo, 'c1', host, port), 'timeout', what);
    // A spoofed inner source (bob's IPv6 overlay address) toward bob's resource.
    await sys.topo.exec('c1', 'ip', ['addr', 'add', `${bob.overlayIpv6}/128`, 'dev', ifname, 'nodad']);
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR6.r2, DB, 1500, bob.overlayIpv6), 'timeout', 'spoofed IPv6 source');
    await sys.topo.exec('c1', 'ip', ['addr', 'del', `${bob.overlayIpv6}/128`, 'dev', ifname]);
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR6.r1, WEB), 'what she is entitled to still works');
    // The refused IPv6 attempts reach the operator, attributed to her session.
    await eventually(async () => {
      const { denied } = await sys.wicketctlJson<{ denied: Denied[] }>(['flows', '--session', alice.id]);
      return [[ADDR6.r2, DB], [ADDR6.r1, OTHER], [ADDR6.gwLan, HOST_PORT], [bob.overlayIpv6, WEB]]
        .every(([dest, port]) => denied.some((d) => d.attempt.destination === dest && d.attempt.port === port));
    }, 30_000, 'denied IPv6 attempts reported');
  });

  test('a resource cannot open an IPv6 connection toward a client', async () => {
    await sys.topo.exec('r1', 'ip', ['-6', 'route', 'replace', OVERLAY6, 'via', ADDR6.gwLan]);
    assert.equal(await tcpConnect(sys.topo, 'r1', alice.overlayIpv6, 22), 'timeout');
    await sys.topo.exec('r1', 'ip', ['-6', 'route', 'del', OVERLAY6]);
  });
});
