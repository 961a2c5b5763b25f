// Two controllers on one PostgreSQL serving one network at once (issue 17), with real packets:
// controllers a and b in namespaces of their own on a real throwaway PostgreSQL, the real
// gateway agent, wireguard-go and nft, clients and wicketctl given controller lists. Proves
// that a change made through one controller reaches the gateway held by the other (a revoke
// through b cuts an established stream at the gateway on a), that callers fail over when a
// controller is SIGKILLed while live sessions keep working, and that a restarted controller
// serves again. The steps build on each other: once one fails the later ones are skipped,
// naming it, so that the report shows the first thing that broke.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, probeTcp, startStream, type Stream } from '../../scripts/topology/index.js';
import { eventually, PORTS, samplePolicy, WicketSystem, type ControllerName } from '../../scripts/topology/system.js';
import { controllerId, controllerRows, gatewayHolders, startTwoControllers } from '../../scripts/topology/controllers.js';
import { useThrowawayPostgres, type PostgresServer } from '../../scripts/postgres-server.js';

const CONTROLLER_FLAGS = ['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s'];

interface SessionView { id: string; username: string; state: string; endReason: string; acks: { gateway: string; version: number; ackedAtMs: number }[] }
interface Status { session: { id: string; state: string; endReason: string } | null }

describe('two controllers on one PostgreSQL, end to end', { timeout: 600_000 }, () => {
  let postgres: PostgresServer | undefined;
  let sys: WicketSystem;
  /** The first step that failed: the later ones depend on it and are skipped. */
  let broken: string | undefined;

  before(async () => {
    postgres = await useThrowawayPostgres();
    sys = await WicketSystem.create('wicket-ha-', { secondController: true });
    await startTwoControllers(sys, CONTROLLER_FLAGS);
  });

  after(() => {
    if (broken) console.log(JSON.stringify({ controllerLogs: [...sys.controllers].map(([n, s]) => ({ n, lines: s.lines.slice(-30) })), gatewayLog: sys.gateway?.lines.slice(-30) }));
    sys?.cleanup();
    postgres?.stop();
    delete process.env.WICKET_DATABASE_URL;
  });

  /** A chained step: skipped once an earlier one failed. (The runner awaits what describe registers.) */
  const step = (name: string, fn: (t: TestContext) => Promise<void>): void => {
    void test(name, async (t) => {
      if (broken) return t.skip(`an earlier step failed: ${broken}`);
      try {
        await fn(t);
      } catch (err) {
        broken = name;
        throw err;
      }
    });
  };

  const sessions = (via: ControllerName[]) => sys.wicketctlJson<SessionView[]>(['session', 'list', '--all'], undefined, via);
  const status = async (role: string, user: string) => JSON.parse(await sys.wicket(role, user, ['status', '--json'])) as Status;
  const holders = async (via: ControllerName) => (await gatewayHolders(sys, 'dc1', via)).join(',');
  const ownRow = async (name: ControllerName) => (await controllerRows(sys, name)).find((r) => r.self)!;

  /** A stream to r1's echo port from `role`, once echoes flow. */
  const openStream = async (role: string) => {
    const stream = await startStream(sys.topo, role, ADDR.r1, PORTS.echo, 20);
    await stream.waitForEchoes(5, 10_000);
    return stream;
  };

  /** Asserts the stream stopped getting echoes after `since` (allowing those already in flight). */
  const assertCut = async (stream: Stream, since: number, what: string) => {
    await eventually(() => Date.now() - Math.max(stream.lastEchoAt, since) > 1000, 10_000, `${what}: echoes keep flowing`);
    const late = stream.echoesSince(Date.now() - 900);
    assert.equal(late, 0, `${what}: ${late} echoes in the last 900 ms`);
    stream.stop();
  };

  /** The longest silence between two echoes of `stream` after `since` (for the report, never asserted). */
  const longestGap = (stream: Stream, since: number) => {
    const at = stream.events.filter((e) => typeof e.echo === 'number' && Number(e.at) >= since).map((e) => Number(e.at));
    return at.slice(1).reduce((max, t, i) => Math.max(max, t - at[i]!), 0);
  };

  let alice: { id: string; stream?: Stream } = { id: '' };
  let bobStream: Stream | undefined;

  step('a: the gateway, given the list a,b, holds its Sync stream with controller a only', async () => {
    // a's own row is current; the other's as of its last heartbeat: ask both until they agree.
    await eventually(async () => (await holders('a')) === 'a' && (await holders('b')) === 'a', 20_000, 'both controllers list dc1 on a alone');
    const [idA, idB] = [await controllerId(sys, 'a'), await controllerId(sys, 'b')];
    assert.notEqual(idA, idB);
    const seenByA = await controllerRows(sys, 'a');
    assert.ok(seenByA.some((r) => r.id === idB && r.alive), 'a lists b as alive');
  });

  step('b: alice logs in and connects through b (client list b,a) and reaches her resource', async () => {
    await sys.login('c1', 'alice', ['b', 'a']);
    const up = await sys.up('c1', 'alice', 'a');
    alice = { id: up.session.id };
    // Her session agent follows the session through the first controller of her list.
    await eventually(async () => (await ownRow('b')).clients >= 1, 15_000, "b holds alice's Watch stream");
    assert.equal((await ownRow('a')).clients, 0, 'a holds no client');
    // The gateway (on a) lets her established stream through.
    alice.stream = await openStream('c1');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'alice reaches the web app');
  });

  step('c: a revoke through b cuts her established stream at the gateway held by a', async (t) => {
    const stream = alice.stream!;
    const t0 = Date.now();
    await sys.wicketctl(['session', 'revoke', alice.id, '--reason', 'ha test'], undefined, ['b']);
    try {
      await assertCut(stream, t0, 'revoke through b');
    } finally {
      t.diagnostic(`revoke through b with the gateway on a: last echo ${stream.lastEchoAt - t0} ms after the call was made`);
      stream.stop();
    }
    // The gateway's acknowledgement, sent to a, is seen through either controller.
    for (const via of ['a', 'b'] as const) {
      await eventually(async () => {
        const s = (await sessions([via])).find((x) => x.id === alice.id);
        return s?.state === 'revoked' && s.acks.some((a) => a.gateway === 'dc1' && a.ackedAtMs > 0);
      }, 15_000, `the revocation and dc1's ack, seen through ${via}`);
    }
    await eventually(async () => (await status('c1', 'alice')).session?.state === 'revoked', 10_000, 'the client notices');
  });

  step('d: with a SIGKILLed the gateway moves to b, a live session keeps working, new sessions and revokes work', async (t) => {
    await sys.login('c2', 'bob', ['a', 'b']);
    await sys.up('c2', 'bob', 'b');
    bobStream = await openStream('c2');
    const killedAt = Date.now();
    await sys.controllers.get('a')!.stop('SIGKILL');
    await eventually(async () => (await holders('b')) === 'b', 60_000, 'b holds the gateway');
    t.diagnostic(`gateway on b ${Date.now() - killedAt} ms after a was killed`);
    await sys.waitGatewayConnected('dc1', true, 30_000, ['b']);
    // bob's established stream never broke: the same connection still gets echoes.
    const n = bobStream.echoes;
    await bobStream.waitForEchoes(n + 25, 5000);
    assert.ok(!bobStream.exited, "bob's stream is still open");
    t.diagnostic(`bob's stream: longest silence ${longestGap(bobStream, killedAt)} ms since a was killed`);
    await eventually(async () => (await ownRow('b')).clients >= 1, 30_000, "bob's session agent moved to b");

    // A new login and session with a first in the list: the callers move on to b.
    await sys.login('c1', 'alice', ['a', 'b']);
    const up = await sys.up('c1', 'alice', 'a2');
    const stream = await openStream('c1');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'alice reaches the web app through a session made on b');
    // And a revoke, with wicketctl given a first too.
    const t0 = Date.now();
    await sys.wicketctl(['session', 'revoke', up.session.id, '--reason', 'ha test, a down'], undefined, ['a', 'b']);
    await assertCut(stream, t0, 'revoke with a down');
    t.diagnostic(`revoke with a down: last echo ${stream.lastEchoAt - t0} ms after the call was made`);
    await bobStream.waitForEchoes(bobStream.echoes + 25, 5000);
  });

  step('e: a restarted registers again, and takes the gateway and clients back when b stops', async (t) => {
    await sys.startController(CONTROLLER_FLAGS, 'a');
    const idA = await controllerId(sys, 'a');
    await eventually(async () => (await controllerRows(sys, 'b')).some((r) => r.id === idA && r.alive), 15_000, 'b lists the restarted a as alive');
    const idB = await controllerId(sys, 'b');
    const stoppedAt = Date.now();
    await sys.controllers.get('b')!.stop('SIGTERM');
    await eventually(async () => (await holders('a')) === 'a', 60_000, 'a holds the gateway again');
    t.diagnostic(`gateway on a ${Date.now() - stoppedAt} ms after b was stopped`);
    await sys.waitGatewayConnected('dc1', true, 30_000, ['a']);
    const rows = await controllerRows(sys, 'a');
    assert.ok(rows.some((r) => r.id === idB && !r.alive && r.stoppedAtMs > 0), 'b shows as stopped');
    // bob's session still works; his agent follows it through a now.
    await bobStream!.waitForEchoes(bobStream!.echoes + 25, 5000);
    assert.ok(!bobStream!.exited, "bob's stream is still open");
    t.diagnostic(`bob's stream: longest silence ${longestGap(bobStream!, stoppedAt)} ms since b was stopped`);
    await eventually(async () => (await ownRow('a')).clients >= 1, 30_000, "bob's session agent moved to a");
    // A new session, from alice's login with the list a,b (b is stopped), is made on a and works.
    await sys.up('c1', 'alice', 'a3');
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'alice reaches the web app through a session made on a');
    bobStream!.stop();
  });

  // Not one of the chained steps: it needs only both controllers running.
  test('a policy applied through one controller governs the Connects made on the other', async () => {
    for (const name of ['a', 'b'] as const) {
      const s = sys.controllers.get(name);
      if (!s || s.exited) await sys.startController(CONTROLLER_FLAGS, name);
    }
    // alice loses her grants through b; a (her login on c1 lists a first) must refuse her.
    await sys.applyPolicy(samplePolicy({ alice: false }), ['b']);
    await sys.wicket('c1', 'alice', ['down']).catch(() => '');
    await sys.login('c1', 'alice', ['a']);
    await assert.rejects(sys.up('c1', 'alice', 'p1'), /no resources granted/, 'a decides with the policy applied through b');
    // She gets them back through a; b must open her a session.
    await sys.applyPolicy(samplePolicy(), ['a']);
    await sys.login('c2', 'alice', ['b']);
    await sys.up('c2', 'alice', 'p2');
  });
});
