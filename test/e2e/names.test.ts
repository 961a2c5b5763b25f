// DNS-name resources end to end in network namespaces: an authoritative DNS server in the
// resource LAN (its records rewritten by the test), the gateway resolving names with it, and
// alice's client forwarder answering through the tunnel. Alice, entitled to app.corp.internal,
// resolves and reaches it (A and AAAA); x.corp.internal is NXDOMAIN for her, from her
// forwarder and from the gateway's DNS service, and that refusal is a denied attempt; when
// the record moves, her new connections follow within its TTL, a flow to an address that
// stays is never cut, and the old address goes after the grace period; a wildcard grant
// covers both names but not the suffix itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROBE_NAME } from '../../common/dns-names.js';
import { ADDR, ADDR6, answeredAddresses, dnsQuery, followName, probeTcp, startServer, startStream, tcpConnect, type DnsRecords, type Stream } from '../../scripts/topology/index.js';
import { eventually, WicketSystem } from '../../scripts/topology/system.js';

const PORT = 7000;
/** r1's addresses besides its own: where app.corp.internal moves to, and one that stays. */
const MOVED = '198.19.0.11';
const STAYS = '198.19.0.12';
const TTL_S = 1;
const GRACE_S = 10;

const records = (app: string[]): DnsRecords => ({
  'app.corp.internal': { ttl: TTL_S, A: app, AAAA: [ADDR6.r1] },
  'x.corp.internal': { ttl: TTL_S, A: [ADDR.r2] },
  // Served, so that a refusal of the suffix itself can only come from the policy.
  'corp.internal': { ttl: TTL_S, A: [ADDR.r2] },
});

const POLICY = (address: string) => `gateways: [dc1]
resources:
  app: { address: "${address}", ports: [tcp/${PORT}], gateway: dc1 }
grants:
  - name: alice-app
    to: [alice]
    resources: [app]
`;

interface Status { session: { id: string; address: string } | null; dns: string[]; dns_setup: { resolver: string; domains: string[]; note: string } }
interface Denied { attempt: { destination: string; protocol: string; port: number } }

describe('DNS-name resources end to end', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let ifname = '';
  let forwarder = '';
  let sessionId = '';

  const status = async () => JSON.parse(await sys.wicket('c1', 'alice', ['status', '--json'])) as Status;
  const resolve = async (name: string, type: 'A' | 'AAAA' = 'A') => {
    const a = await dnsQuery(sys.topo, 'c1', forwarder, name, { type });
    assert.ok(a, `${name}: the forwarder ${forwarder} answered`);
    return a;
  };
  /**
   * Routes an address into alice's tunnel whatever her client decided (her own AllowedIPs
   * widened, as a hostile client would), so that only the gateway can refuse it.
   */
  const forceThroughTunnel = async (address: string) => {
    // One line per peer, "KEY<tab>CIDR CIDR ...": this session has one gateway.
    const [peer, ...allowed] = (await sys.topo.exec('c1', 'wg', ['show', ifname, 'allowed-ips'])).trim().split('\n')[0]!.split(/\s+/);
    await sys.topo.exec('c1', 'wg', ['set', ifname, 'peer', peer!, 'allowed-ips', [...allowed.filter((a) => a !== '(none)'), `${address}/32`].join(',')]);
    await sys.topo.exec('c1', 'ip', ['route', 'replace', `${address}/32`, 'dev', ifname]);
  };
  const denied = async () => (await sys.wicketctlJson<{ denied: Denied[] }>(['flows', '--session', sessionId])).denied;

  before(async () => {
    sys = await WicketSystem.create('wicket-names-', { ipv6: true, dns: true });
    await sys.topo.exec('r1', 'ip', ['addr', 'add', `${MOVED}/24`, 'dev', 'eth0']);
    await sys.topo.exec('r1', 'ip', ['addr', 'add', `${STAYS}/24`, 'dev', 'eth0']);
    sys.servers.push(
      await startServer(sys.topo, 'r1', 'tcp-echo', PORT),
      await startServer(sys.topo, 'r1', 'tcp-echo', PORT, undefined, '::'),
      await startServer(sys.topo, 'r2', 'tcp-echo', PORT),
    );
    await sys.startDnsServer(records([ADDR.r1, STAYS]));
    await sys.initController();
    await sys.startController(['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
    await sys.addUser('alice');
    await sys.applyPolicy(POLICY('app.corp.internal'));
    await sys.enrollGateway();
    await sys.startGateway('dc1', ['--dns-resolver', ADDR.dns, '--dns-min-ttl', '1s', '--dns-max-ttl', '5s', '--dns-grace', `${GRACE_S}s`]);
    await sys.login('c1', 'alice');
    const up = await sys.up('c1', 'alice', 'a');
    ifname = up.interface;
    sessionId = up.session.id;
    const st = await status();
    assert.ok(st.dns.length > 0, `status names the DNS forwarder: ${JSON.stringify(st)}`);
    forwarder = st.dns[0]!;
  });

  after(() => sys?.cleanup());

  test('her forwarder is on her overlay address, and status says what was done to the system resolver', async () => {
    const st = await status();
    assert.equal(forwarder.replace(/:53$/, ''), st.session!.address);
    // The namespaces run no systemd-resolved: the client leaves the system alone and says so.
    assert.equal(st.dns_setup.resolver, 'none');
    assert.match(st.dns_setup.note, /systemd-resolved|resolvectl/, 'dns_setup says why the system resolver was left alone');
  });

  test('alice resolves app.corp.internal through the tunnel (udp and tcp) and reaches it', async () => {
    const a = await resolve('app.corp.internal');
    assert.equal(a.rcode, 'NOERROR');
    assert.deepEqual(answeredAddresses(a), [ADDR.r1, STAYS].sort());
    const overTcp = await dnsQuery(sys.topo, 'c1', forwarder, 'app.corp.internal', { tcp: true });
    assert.deepEqual(answeredAddresses(overTcp), [ADDR.r1, STAYS].sort(), 'the forwarder answers over tcp too');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORT), 'reaches the first answered address');
    assert.ok(await probeTcp(sys.topo, 'c1', STAYS, PORT), 'reaches the second answered address');
  });

  test('an AAAA answer is routed through the tunnel too', async () => {
    const a = await resolve('app.corp.internal', 'AAAA');
    assert.deepEqual(answeredAddresses(a), [ADDR6.r1]);
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR6.r1, PORT), 'reaches the IPv6 answer');
  });

  test('x.corp.internal is NXDOMAIN for her, from her forwarder and from the gateway; the refusal is a denied attempt', async () => {
    assert.equal((await resolve('x.corp.internal')).rcode, 'NXDOMAIN', 'from her forwarder');
    const gw = (await sys.wicketctlJson<{ name: string; serviceAddress: string }[]>(['gateway', 'list'])).find((g) => g.name === 'dc1')!;
    const direct = await dnsQuery(sys.topo, 'c1', gw.serviceAddress, 'x.corp.internal');
    assert.equal(direct?.rcode, 'NXDOMAIN', `asked at the gateway's DNS service ${gw.serviceAddress}: ${JSON.stringify(direct)}`);
    const probe = await dnsQuery(sys.topo, 'c1', gw.serviceAddress, PROBE_NAME);
    assert.equal(probe?.rcode, 'NXDOMAIN', 'the health probe name is answered');
    // x's address is not hers even when she routes it into the tunnel herself.
    await forceThroughTunnel(ADDR.r2);
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORT), 'timeout', "x.corp.internal's address through the tunnel");
    await eventually(async () => (await denied()).some((d) => d.attempt.protocol === 'dns' && d.attempt.destination === 'x.corp.internal' && d.attempt.port === 53),
      30_000, 'the refused query is a denied attempt with protocol dns');
    assert.ok(!(await denied()).some((d) => d.attempt.destination === PROBE_NAME), 'the probe name is never recorded');
  });

  test('when the record moves, new connections follow within its TTL; an address that stays is never cut; the old one goes after the grace period', async (t) => {
    const stays = await startStream(sys.topo, 'c1', STAYS, PORT, 20);
    const old = await startStream(sys.topo, 'c1', ADDR.r1, PORT, 20);
    await Promise.all([stays.waitForEchoes(5, 10_000), old.waitForEchoes(5, 10_000)]);
    const changed = Date.now();
    sys.setDnsRecords(records([MOVED, STAYS]));
    const followed = await followName(sys.topo, 'c1', forwarder, 'app.corp.internal', MOVED, PORT, { timeoutMs: 60_000 });
    t.diagnostic(`record changed -> answered: ${followed.answered - changed} ms, -> first new connection: ${followed.connected - changed} ms (TTL ${TTL_S} s)`);
    // Within the grace period the old address still passes.
    await old.waitForEchoes(old.echoes + 5, 2000);
    await eventually(() => Date.now() - old.lastEchoAt > 1000, (GRACE_S + 30) * 1000, 'the old address is cut after the grace period');
    t.diagnostic(`record changed -> old address cut: ${old.lastEchoAt - changed} ms (grace ${GRACE_S} s)`);
    old.stop();
    await forceThroughTunnel(ADDR.r1);
    assert.equal(await tcpConnect(sys.topo, 'c1', ADDR.r1, PORT), 'timeout', 'a new connection to the old address is dropped at the gateway');
    await stays.waitForEchoes(stays.echoes + 10, 5000);
    assert.ok(!stays.exited, 'the flow to the address that stayed is open');
    assert.ok(maxGap(stays, changed) < 1000, `the flow to the address that stayed never stalled (longest gap ${maxGap(stays, changed)} ms)`);
    stays.stop();
  });

  test('a wildcard grant covers both names, not the suffix itself', async () => {
    await sys.applyPolicy(POLICY('*.corp.internal'));
    await eventually(async () => (await resolve('x.corp.internal')).rcode === 'NOERROR', 30_000, 'x.corp.internal answered under the wildcard');
    assert.deepEqual(answeredAddresses(await resolve('x.corp.internal')), [ADDR.r2]);
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r2, PORT), "reaches x.corp.internal's address");
    assert.deepEqual(answeredAddresses(await resolve('app.corp.internal')), [MOVED, STAYS].sort());
    assert.ok(await probeTcp(sys.topo, 'c1', MOVED, PORT), "reaches app.corp.internal's address");
    assert.equal((await resolve('corp.internal')).rcode, 'NXDOMAIN', 'the wildcard does not cover its suffix');
    assert.equal((await resolve('www.example.com')).rcode, 'NXDOMAIN', 'nor anything else');
  });
});

/** The longest time between consecutive echoes of a stream from `since` on, in ms. */
function maxGap(s: Stream, since: number): number {
  const times = s.events.filter((e) => typeof e.echo === 'number' && Number(e.at) >= since).map((e) => Number(e.at));
  return times.slice(1).reduce((m, at, i) => Math.max(m, at - times[i]!), 0);
}
