// Attacks from a resource network (assume breach), with real packets: the real controller,
// gateway agent and clients in network namespaces, wireguard-go and nft. A compromised LAN
// host forges packets whose sources are the overlay addresses of live sessions; the gateway
// must drop them before anything attributes them to a session, so nobody is revoked for what
// another host sent. Each scenario asserts that the attack fails and names evidence that
// must have grown (a kernel counter or what `wicketctl flows` reports).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, probeTcp, sendSpoofedSyns, type SpoofedSyns } from '../../scripts/topology/index.js';
import { eventually, PORTS, WicketSystem } from '../../scripts/topology/system.js';
import { AttackLog } from '../reliability/attack-kit.js';
import { startSampleSystem } from '../support/topology.js';

interface SessionView { id: string; username: string; overlayAddress: string; state: string; endReason: string }
interface DeniedView { username: string; attempt: { sessionId: string; source: string; destination: string; port: number; count: number } }

describe('attacks from a resource network', { timeout: 600_000 }, () => {
  let sys: WicketSystem;

  const sessions = async (all = false) => sys.wicketctlJson<SessionView[]>(['session', 'list', ...(all ? ['--all'] : [])]);
  const denied = async () => (await sys.wicketctlJson<{ denied: DeniedView[] }>(['flows'])).denied;
  /** Packets the gateway dropped for an overlay source that did not come out of the tunnel (0 when it keeps no such count). */
  const spoofedCounter = async (): Promise<number> => {
    const out = await sys.topo.exec('gw', 'nft', ['-j', 'list', 'table', 'inet', 'wicket']);
    const items = (JSON.parse(out) as { nftables: { counter?: { name: string; packets: number } }[] }).nftables;
    return items.find((i) => i.counter?.name === 'spoofed')?.counter?.packets ?? 0;
  };
  /** Denied attempts reported from r1's own address toward a client, attributed to no session. */
  const fromLanHost = async () => (await denied()).filter((d) => d.attempt.source === ADDR.r1 && d.attempt.sessionId === '')
    .reduce((n, d) => n + d.attempt.count, 0);

  const attacks = new AttackLog();
  const scenario = attacks.scenario.bind(attacks);

  before(async () => {
    sys = await WicketSystem.create();
    await startSampleSystem(sys, ['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
    await sys.login('c1', 'alice');
    await sys.up('c1', 'alice', 'a');
    await sys.login('c2', 'bob');
    await sys.up('c2', 'bob', 'b');
    // The compromised host r1 sends everything for the overlay, and for r2, through the gateway.
    await sys.topo.exec('r1', 'ip', ['route', 'replace', '100.64.0.0/10', 'via', ADDR.gwLan]);
    await sys.topo.exec('r1', 'ip', ['route', 'replace', `${ADDR.r2}/32`, 'via', ADDR.gwLan]);
  });

  after(() => {
    attacks.report();
    sys?.cleanup();
  });

  scenario('a LAN host forging SYNs from every session\'s overlay address revokes nobody and is blamed on no session', spoofedCounter, async () => {
    const live = await sessions();
    assert.equal(live.length, 2, 'alice and bob are connected');
    const overlays = live.map((s) => s.overlayAddress);
    // 100 SYNs per overlay address toward each target: the other sessions, the other
    // resource (through the gateway) and the gateway's own LAN address.
    const batches: SpoofedSyns[] = overlays.flatMap((source) => [
      ...overlays.filter((o) => o !== source).map((destination) => ({ source, destination, port: 22, count: 100 })),
      { source, destination: ADDR.r2, port: PORTS.db, count: 100 },
      { source, destination: ADDR.gwLan, port: 22, count: 100 },
    ]);
    const sent = await sendSpoofedSyns(sys.topo, 'r1', batches);
    assert.equal(sent, batches.reduce((n, b) => n + b.count, 0));
    // Then the same host, under its own address, toward both clients: reported as its attempts.
    const own = await sendSpoofedSyns(sys.topo, 'r1', overlays.map((destination) => ({ source: ADDR.r1, destination, port: 22, count: 100 })));
    // The gateway reads its denied set whole, so once r1's own attempts are in, so is
    // whatever the forged ones left there.
    await eventually(async () => await fromLanHost() >= own, 30_000, "the LAN host's own attempts are reported under its address");
    // Nor did the gateway track (and masquerade) a forged flow toward the other resource (checked
    // before the clients' own traffic below makes real ones).
    for (const source of overlays) {
      const tracked = await sys.topo.exec('gw', 'conntrack', ['-L', '-p', 'tcp', '--orig-src', source, '--orig-dst', ADDR.r2]);
      assert.equal(tracked.trim(), '', `conntrack entries for a forged ${source} -> ${ADDR.r2} flow`);
    }
    const blamed = (await denied()).filter((d) => d.attempt.sessionId !== '' || d.username !== '');
    assert.deepEqual(blamed.map((d) => `${d.username} ${d.attempt.source} -> ${d.attempt.destination}:${d.attempt.port}`), [],
      'no denied attempt is attributed to a session');
    const after = await sessions(true);
    for (const s of live) {
      const now = after.find((x) => x.id === s.id)!;
      assert.equal(now.state, 'active', `${s.username}'s session was ended: ${now.endReason}`);
    }
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'alice still reaches the web app');
    assert.ok(await probeTcp(sys.topo, 'c2', ADDR.r2, PORTS.db), 'bob still reaches the database');
    assert.ok(await spoofedCounter() >= sent, `every forged packet is counted as spoofed (${await spoofedCounter()} of ${sent})`);
  });

  test('at least one attack was tried', () => {
    assert.ok(attacks.count >= 1, `${attacks.count} attack scenarios`);
  });
});
