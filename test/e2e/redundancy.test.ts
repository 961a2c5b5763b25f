// Redundant gateways end to end in network namespaces: one resource behind dc1a (primary) and
// dc1b (standby), both holding alice's session. She streams through dc1a; dc1a's WAN link is
// cut; her new connections get through dc1b (the time it took is reported, never asserted),
// while her session stays active at the controller the whole time; dc1a's link comes back and
// her destinations return to it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, firstConnection, probeTcp, startStream, type Program } from '../../scripts/topology/index.js';
import { acceptedVia, REDUNDANT_PORT, setGatewayWan, startRedundantSystem } from '../../scripts/topology/redundancy.js';
import { eventually, WicketSystem } from '../../scripts/topology/system.js';

interface SessionView { id: string; state: string; acks: { gateway: string }[] }
interface GatewayView { name: string; connected: boolean; health: string; sessions: number }

describe('redundant gateways end to end', { timeout: 900_000 }, () => {
  let sys: WicketSystem;
  let echo: Program;
  let ifname = '';
  let sessionId = '';

  const sessionState = async () => (await sys.wicketctlJson<SessionView[]>(['session', 'list', '--all'])).find((s) => s.id === sessionId)?.state ?? 'missing';
  const gateways = () => sys.wicketctlJson<GatewayView[]>(['gateway', 'list']);
  /** Polls the session's state at the controller until `stop` is called; resolves with every state seen. */
  const watchSession = () => {
    let running = true;
    const seen = (async () => {
      const states: string[] = [];
      while (running) {
        states.push(await sessionState());
        await new Promise((r) => setTimeout(r, 500));
      }
      return states;
    })();
    return { stop: () => { running = false; return seen; } };
  };

  before(async () => {
    sys = await WicketSystem.create('wicket-redundancy-', { secondGateway: true });
    echo = await startRedundantSystem(sys, ['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
    await sys.login('c1', 'alice');
    const up = await sys.up('c1', 'alice', 'a');
    ifname = up.interface;
    sessionId = up.session.id;
  });

  after(() => sys?.cleanup());

  test('both gateways hold her session; her client has a peer for each', async (t) => {
    const peers = (await sys.topo.exec('c1', 'wg', ['show', ifname, 'peers'])).trim().split('\n');
    assert.equal(peers.length, 2, `one peer per gateway: ${peers.join(' ')}`);
    await eventually(async () => {
      const s = (await sys.wicketctlJson<SessionView[]>(['session', 'list'])).find((x) => x.id === sessionId);
      return JSON.stringify(s?.acks.map((a) => a.gateway).sort()) === JSON.stringify(['dc1a', 'dc1b']);
    }, 30_000, 'both gateways acknowledged her session');
    const gws = await gateways();
    for (const name of ['dc1a', 'dc1b']) assert.equal(gws.find((g) => g.name === name)?.sessions, 1, `${name} holds one session`);
    const st = JSON.parse(await sys.wicket('c1', 'alice', ['status', '--json'])) as { gateways: unknown[] };
    assert.equal(st.gateways.length, 2, 'status shows both gateways');
    t.diagnostic(`status gateways: ${JSON.stringify(st.gateways)}`);
  });

  test('alice streams through dc1a, her primary', async () => {
    const since = echo.events.length;
    const stream = await startStream(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, 20);
    await stream.waitForEchoes(5, 10_000);
    assert.deepEqual(acceptedVia(echo, since), ['dc1a']);
    stream.stop();
  });

  test("with dc1a's link cut, her new connections go through dc1b and her session stays active", async (t) => {
    const stream = await startStream(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, 20);
    await stream.waitForEchoes(5, 10_000);
    const watch = watchSession();
    const since = echo.events.length;
    const cut = Date.now();
    await setGatewayWan(sys, 'dc1a', false);
    const first = await firstConnection(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, { timeoutMs: 120_000 });
    t.diagnostic(`link cut -> first new connection through dc1b: ${first.connected - cut} ms`);
    assert.ok(acceptedVia(echo, since).includes('dc1b'), `the new connection came through dc1b: ${JSON.stringify(acceptedVia(echo, since))}`);
    assert.ok(!acceptedVia(echo, since).includes('dc1a'), 'nothing came through the cut gateway');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, 3000), 'and again');
    t.diagnostic(`the stream opened through dc1a got ${stream.echoesSince(cut)} echoes after the cut${stream.exited ? ' and closed' : ''}`);
    stream.stop();
    // Some seconds more of watching: the controller may learn late that dc1a is gone.
    await new Promise((r) => setTimeout(r, 5000));
    const states = await watch.stop();
    assert.ok(states.length > 0 && states.every((s) => s === 'active'), `her session stayed active at the controller: ${[...new Set(states)].join(', ')}`);
    const st = JSON.parse(await sys.wicket('c1', 'alice', ['status', '--json'])) as { session: { id: string; state: string }; gateways: unknown[] };
    assert.equal(st.session.id, sessionId, 'the same session');
    assert.equal(st.session.state, 'active');
    t.diagnostic(`status gateways after the cut: ${JSON.stringify(st.gateways)}`);
    t.diagnostic(`controller's view of dc1a after the cut: ${JSON.stringify((await gateways()).find((g) => g.name === 'dc1a'))}`);
  });

  test("dc1a's link restored: her destinations return to it", async (t) => {
    const restored = Date.now();
    await setGatewayWan(sys, 'dc1a', true);
    await sys.waitGatewayConnected('dc1a', true, 180_000);
    t.diagnostic(`link restored -> dc1a connected and synced at the controller: ${Date.now() - restored} ms`);
    const since = echo.events.length;
    await eventually(async () => {
      await probeTcp(sys.topo, 'c1', ADDR.r1, REDUNDANT_PORT, 1000);
      return acceptedVia(echo, since).at(-1) === 'dc1a';
    }, 120_000, 'a new connection through dc1a again');
    t.diagnostic(`link restored -> new connections through dc1a: ${Date.now() - restored} ms`);
    assert.equal(await sessionState(), 'active', 'still the same active session');
  });
});
