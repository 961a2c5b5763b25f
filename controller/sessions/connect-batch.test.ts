// Group commit of Client.Connect (SessionManager.admit) over SQLite, the real Sync fan-out
// and audit chain: concurrent Connects become one gateway delta, each answers only after the
// gateway acknowledged that delta, a request refused inside a batch leaves the others alone,
// a user disabled after the call arrived gets no session, and batches whose transactions
// overlap still give every session its own address and reach the gateway in commit order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { Audit } from '../audit/audit.js';
import { MasterKey } from '../crypto/masterkey.js';
import { createLogger } from '../../common/log.js';
import { parsePolicy, type Policy } from '../policy/index.js';
import { SyncFanout } from '../sync/fanout.js';
import { parsePool } from './ipam.js';
import { SessionManager, type DeviceCaller } from './session-manager.js';
import { grantTo, policyYaml } from '../../test/support/policies.js';
import { RecordingStream, wgPublicKey } from '../../test/support/sync-stream.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { eng: ['alice', 'bob'] },
  resources: { web: { address: '10.9.0.10', ports: ['tcp/443'], gateway: 'dc1' } },
  grants: [grantTo('eng', 'web')],
});


async function setup(t: { after: (fn: () => Promise<void>) => void }, opts: { policy?: () => Policy; now?: () => number } = {}) {
  const { store, close, database } = await openTestStore();
  // The controllers of this test share one notifier: each hears the others' changes and acks.
  const notifier = database.notifier;
  await notifier.start();
  const audit = await Audit.open(store);
  const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);
  const policy = parse(POLICY);
  await store.gateways.enroll('dc1', 'gw-serial', 0, '', '');
  const callers = new Map<string, DeviceCaller>();
  for (const user of ['alice', 'bob']) {
    await store.users.add({ name: user, passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: 0 }, ['eng']);
    const caller = { user, deviceId: `dev-${user}`, certSerial: `serial-${user}`, certNotAfterMs: Date.now() + 3_600_000 };
    await store.certificates.record({ serial: caller.certSerial, kind: 'user', subject: user, deviceId: caller.deviceId, issuedAtMs: 0, notAfterMs: caller.certNotAfterMs });
    callers.set(user, caller);
  }
  /** A controller: its own fan-out (with a stream from dc1) and session manager, over the shared store. */
  const controller = async () => {
    // The fan-out calls back into the manager only once streams exist, after both are built.
    const fanout: SyncFanout = new SyncFanout({
      store, notifier, snapshot: (tx, g) => manager.gatewaySnapshot(tx, g), entries: (g, ids) => manager.gatewayEntries(g, ids), onAck: () => undefined, log,
    });
    const manager: SessionManager = new SessionManager({
      store, audit, masterKey, fanout, policy: () => ({ policy: opts.policy?.() ?? policy, version: 1 }),
      settings: { pool: parsePool('100.64.0.0/24'), overlayIpv6: 'fd6b:7769:636b::/64', ackTimeoutMs: 5_000, heartbeatIntervalMs: 20_000, heartbeatTimeoutMs: 90_000,
        maxSessionsPerUser: 1000, maxSessionsPerDevice: 1000, postureChanges: { burst: 5, perMinute: 6 } }, log, now: opts.now,
    });
    const stream = new RecordingStream();
    await fanout.attach('dc1', stream);
    stops.push(() => {
      manager.stop();
      fanout.close();
    });
    return { fanout, manager, stream };
  };
  const masterKey = MasterKey.ephemeral();
  const stops: (() => void)[] = [];
  const { fanout, manager, stream } = await controller();
  t.after(async () => {
    for (const stop of stops) stop();
    await close();
  });
  return { store, audit, fanout, stream, manager, controller, caller: (u: string) => callers.get(u)! };
}

function parse(yaml: string): Policy {
  const parsed = parsePolicy(yaml);
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return parsed.policy;
}

const posture = null;
const deltas = (stream: RecordingStream) => stream.sent.filter((m) => m.delta).map((m) => m.delta!);

/** Resolves once `ready()` holds (the store answers asynchronously), or fails after a while. */
/**
 * Waits for `ready`; the deadline only keeps a broken test from hanging. It is generous: on
 * PostgreSQL batches that overlap are run again after serialization failures, which takes
 * longer on a loaded machine.
 */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('Connects of one turn are stored together and reach the gateway as one delta, answered after its ack', async (t) => {
  const { store, audit, fanout, stream, manager, caller } = await setup(t);
  const keys = Array.from({ length: 5 }, wgPublicKey);
  let answered = 0;
  const pending = keys.map((k, i) => manager.connect(caller(i % 2 ? 'bob' : 'alice'), { wgPublicKey: k, posture, ackTimeoutMs: 0 }).then((r) => { answered += 1; return r; }));
  await until(() => deltas(stream).length > 0, 'the delta');
  await new Promise((r) => setTimeout(r, 20));
  const sent = deltas(stream);
  assert.equal(sent.length, 1, 'one delta for the whole batch');
  assert.deepEqual(sent[0]!.upserts!.map((s) => s.wgPublicKey).sort(), [...keys].sort());
  assert.equal(answered, 0, 'no Connect answers before the gateway acknowledged');
  assert.equal((await store.sessions.active()).length, 5, 'the sessions are committed before the delta leaves');

  await fanout.ack('dc1', stream, Number(sent[0]!.version), 1000, '');
  const results = await Promise.all(pending);
  assert.equal(new Set(results.map((r) => r.session!.overlayAddress)).size, 5, 'every session got its own address');
  for (const r of results) assert.equal(r.session!.acks![0]!.version, sent[0]!.version, 'the ack is recorded on every session of the delta');
  const verified = await audit.verify();
  assert.ok(verified.ok, verified.message);
  assert.equal((await audit.list(0, 100, 'session.connect')).length, 5);
});

test('a key used twice in one batch opens one session; the other request is refused alone', async (t) => {
  const { store, fanout, stream, manager, caller } = await setup(t);
  const key = wgPublicKey();
  const first = manager.connect(caller('alice'), { wgPublicKey: key, posture, ackTimeoutMs: 0 });
  const second = manager.connect(caller('bob'), { wgPublicKey: key, posture, ackTimeoutMs: 0 });
  const other = manager.connect(caller('bob'), { wgPublicKey: wgPublicKey(), posture, ackTimeoutMs: 0 });
  await assert.rejects(second, /already belongs to a live session/);
  await until(() => deltas(stream).length > 0, 'the delta');
  const sent = deltas(stream);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.upserts!.length, 2);
  await fanout.ack('dc1', stream, Number(sent[0]!.version), 1000, '');
  const [a, c] = await Promise.all([first, other]);
  assert.equal(a.session!.username, 'alice');
  assert.equal(c.session!.username, 'bob');
  assert.equal((await store.sessions.active()).length, 2);
});

test('a user disabled after the call arrived but before its batch is stored gets no session', async (t) => {
  const { store, stream, manager, caller } = await setup(t);
  const refused = manager.connect(caller('alice'), { wgPublicKey: wgPublicKey(), posture, ackTimeoutMs: 0 });
  await store.users.setDisabled('alice', true);
  await assert.rejects(refused, /user alice is disabled/);
  assert.equal((await store.sessions.active()).length, 0);
  assert.equal(deltas(stream).length, 0, 'nothing was sent to the gateway');
});

test('an entitlement that expires between the decision and the timer still ends the session at once', async (t) => {
  // The clock stands still until `ticking`; then every reading moves it 10 ms on, so the
  // re-evaluation decides just before the grant's session_ttl ends and arms its timer after.
  const start = Date.now();
  let clock = start;
  let ticking = false;
  const now = () => {
    const v = clock;
    if (ticking) clock += 10;
    return v;
  };
  let policy = parse(POLICY);
  const { fanout, stream, manager, store, caller } = await setup(t, { policy: () => policy, now });
  const connecting = manager.connect(caller('alice'), { wgPublicKey: wgPublicKey(), posture, ackTimeoutMs: 0 });
  await until(() => deltas(stream).length > 0, 'the delta');
  await fanout.ack('dc1', stream, Number(deltas(stream)[0]!.version), 1000, '');
  const id = (await connecting).session!.id!;
  policy = parse(POLICY.replace('resources: [web]', 'resources: [web]\n    session_ttl: 10m'));
  clock = start + 600_000 - 1;
  ticking = true;
  await manager.reevaluateAll('policy applied', 'admin:test');
  const deadline = Date.now() + 2000;
  while ((await store.sessions.get(id))!.state === 'active' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal((await store.sessions.get(id))!.state, 'revoked', 'the session outlived its only entitlement');
});

test('batches in flight at once give every session its own address; a revoke reaches the gateway after the session', async (t) => {
  const { store, fanout, stream, manager, caller } = await setup(t);
  // One Connect per event-loop turn: each is its own batch, started while the one before is
  // still in its transaction.
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < 6; i++) {
    pending.push(manager.connect(caller(i % 2 ? 'bob' : 'alice'), { wgPublicKey: wgPublicKey(), posture, ackTimeoutMs: 0 }));
    await new Promise((r) => setImmediate(r));
  }
  await until(() => deltas(stream).reduce((n, d) => n + (d.upserts?.length ?? 0), 0) === 6, 'six sessions sent');
  const sent = deltas(stream);
  assert.deepEqual(sent.map((d) => Number(d.version)), [...sent.map((d) => Number(d.version))].sort((a, b) => a - b), 'versions leave in order');
  await fanout.ack('dc1', stream, Number(sent.at(-1)!.version), 1000, '');
  await Promise.all(pending);
  const live = await store.sessions.active();
  assert.equal(live.length, 6);
  assert.equal(new Set(live.map((s) => s.overlayAddress)).size, 6, 'no address handed out twice');

  const victim = live[0]!;
  await manager.revokeSession(victim.id, 'test', 'admin:test');
  const last = deltas(stream).at(-1)!;
  assert.deepEqual(last.removes, [victim.id], 'the revocation is sent by the time the revoke returns');
  assert.ok(Number(last.version) > Number(sent.at(-1)!.version));
});

test('two controllers on one store admitting at once never hand out one address twice', async (t) => {
  const { store, fanout, stream, manager, controller, caller } = await setup(t);
  const other = await controller();
  // One batch on each, both in their transactions at once (on PostgreSQL one is run again).
  const pending = [manager, other.manager].flatMap((m, side) => Array.from({ length: 8 }, (_, i) =>
    m.connect(caller((i + side) % 2 ? 'bob' : 'alice'), { wgPublicKey: wgPublicKey(), posture, ackTimeoutMs: 0 })));
  // Both hold a stream from dc1 here, so each is sent every logged version; one ack (on
  // either) releases the Connects of both.
  const upserts = (r: RecordingStream) => deltas(r).reduce((n, d) => n + (d.upserts?.length ?? 0), 0);
  await until(() => upserts(stream) === 16 && upserts(other.stream) === 16, 'both batches sent');
  await fanout.ack('dc1', stream, Number(deltas(stream).at(-1)!.version), 1000, '');
  await Promise.all(pending);
  const live = await store.sessions.active();
  assert.equal(live.length, 16);
  assert.equal(new Set(live.map((s) => s.overlayAddress)).size, 16, 'no address handed out twice');
});
