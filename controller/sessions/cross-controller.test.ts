// Two controllers (two SessionManagers, each with its own database handle and notifier, on
// PostgreSQL; on SQLite both on the one handle) over one store: a client watching its session
// on one controller hears of a revocation committed on the other, and its stream closes; a
// session opened on one controller expires on the other too, exactly once; the sweep ends a
// session past its expiry whose timer never fired; after lost notifications, watched
// sessions are read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { Audit } from '../audit/audit.js';
import { MasterKey } from '../crypto/masterkey.js';
import { createLogger } from '../../common/log.js';
import { parsePolicy, type Policy } from '../policy/index.js';
import type { SessionEvent } from '../../proto/generated/wicket/v1/SessionEvent.js';
import { SyncFanout } from '../sync/fanout.js';
import { Store } from '../store/store.js';
import type { Database } from '../store/database.js';
import type { Channel, Notifier, NotificationHandler, Transaction } from '../store/notifications.js';
import { parsePool } from './ipam.js';
import { SessionManager, type DeviceCaller } from './session-manager.js';
import { grantTo, policyYaml } from '../../test/support/policies.js';
import { testStoreKind } from '../../test/support/postgres.js';
import { GatewayPresence } from '../gateways/presence.js';
import { RecordingStream, wgPublicKey } from '../../test/support/sync-stream.js';

const RESOURCES = {
  web: { address: '10.9.0.10', ports: ['tcp/443'], gateway: 'dc1' },
  db: { address: '10.9.0.20', ports: ['tcp/5432'], gateway: 'dc1' },
};
const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice'] }, resources: RESOURCES, grants: [grantTo('eng', 'web'), grantTo('eng', 'db')] });
/** The same, without the grant to db: live sessions are updated. */
const NARROWER = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice'] }, resources: RESOURCES, grants: [grantTo('eng', 'web')] });


function parse(yaml: string): Policy {
  const parsed = parsePolicy(yaml);
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return parsed.policy;
}

async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A client's Watch on one controller, as client-handlers.ts subscribes it. */
function watch(manager: SessionManager, id: string) {
  const events: SessionEvent[] = [];
  let closed = false;
  manager.events.subscribe(id, { send: (e) => events.push(e), close: () => { closed = true; } });
  return { events, closed: () => closed };
}

/** A notifier that can go deaf (notifications lost) and then report a gap, as a dropped listening connection does. */
class Lossy implements Notifier {
  deaf = false;
  private readonly gaps = new Set<() => void>();
  constructor(private readonly inner: Notifier) {}
  start(): Promise<void> { return this.inner.start(); }
  notify(tx: Transaction, channel: Channel, payload: string): Promise<void> { return this.inner.notify(tx, channel, payload); }
  listen(channel: Channel, handler: NotificationHandler): () => void {
    return this.inner.listen(channel, (payload) => {
      if (!this.deaf) handler(payload);
    });
  }
  onGap(handler: () => void): () => void {
    this.gaps.add(handler);
    return () => this.gaps.delete(handler);
  }
  gap(): void {
    this.deaf = false;
    for (const handler of this.gaps) handler();
  }
  close(): Promise<void> { return this.inner.close(); }
  reportErrorsTo(): void {}
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const { store, database, openSecond, close } = await openTestStore();
  const masterKey = MasterKey.ephemeral();
  const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);
  let policy = parse(POLICY);
  await store.gateways.enroll('dc1', 'gw-serial', 0, '', '');
  await store.users.add({ name: 'alice', passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: 0 }, ['eng']);
  const stops: (() => void)[] = [];
  t.after(async () => {
    for (const stop of stops) stop();
    await close();
  });
  const errors: unknown[] = [];
  /** A controller on `db` (a second handle on PostgreSQL: its own pool and listening connection). */
  /** `presence`: gateway presence across controllers, wired as module.ts does; `attach`: whether dc1's stream is held here. */
  const controller = async (db: Database, id: string, opts: { now?: () => number; notifier?: Notifier; presence?: boolean; attach?: boolean } = {}) => {
    const cstore = new Store(db.kysely, db.dialect);
    const audit = await Audit.open(cstore);
    const fanout: SyncFanout = new SyncFanout({
      store: cstore, notifier: db.notifier, snapshot: (tx, g) => manager.gatewaySnapshot(tx, g), entries: (g, ids) => manager.gatewayEntries(g, ids), onAck: () => undefined, log,
    });
    const presence = opts.presence ? new GatewayPresence({
      store: cstore, notifier: db.notifier, self: id, held: (g) => fanout.isConnected(g), now: Date.now,
      reportInternal: (_where, err) => errors.push(err), onRemoteChange: (g, connected) => void manager.gatewayConnectivity(g, connected),
    }) : undefined;
    const manager: SessionManager = new SessionManager({
      store: cstore, audit, masterKey, fanout, isGatewayConnected: presence && ((g) => presence.isConnected(g)), policy: () => ({ policy, version: 1 }), notifier: opts.notifier ?? db.notifier, controllerId: id,
      settings: { pool: parsePool('100.64.0.0/24'), overlayIpv6: 'fd6b:7769:636b::/64', ackTimeoutMs: 5_000, heartbeatIntervalMs: 20_000, heartbeatTimeoutMs: 90_000,
        maxSessionsPerUser: 1000, maxSessionsPerDevice: 1000, postureChanges: { burst: 5, perMinute: 6 } },
      log, now: opts.now, reportInternal: (_where, err) => errors.push(err),
    });
    const stream = new RecordingStream();
    if (opts.attach ?? true) await fanout.attach('dc1', stream);
    await presence?.start();
    await manager.start();
    stops.push(() => {
      presence?.close();
      manager.stop();
      fanout.close();
    });
    /** Connects alice (her certificate valid for `validMs`) and acknowledges the delta. */
    const connect = async (validMs = 3_600_000) => {
      const caller: DeviceCaller = { user: 'alice', deviceId: 'dev-alice', certSerial: `serial-${Math.random()}`, certNotAfterMs: Date.now() + validMs };
      await store.certificates.record({ serial: caller.certSerial, kind: 'user', subject: 'alice', deviceId: caller.deviceId, issuedAtMs: 0, notAfterMs: caller.certNotAfterMs });
      const before = stream.sent.length;
      const pending = manager.connect(caller, { wgPublicKey: wgPublicKey(), posture: null, ackTimeoutMs: 0 });
      // The delta carrying the session (an empty one may come first: the other controller's
      // snapshot of dc1 is a version of its change log too).
      await until(() => stream.sent.slice(before).some((m) => m.delta?.upserts?.length), 'the delta');
      const delta = stream.sent.slice(before).find((m) => m.delta?.upserts?.length)!.delta!;
      await fanout.ack('dc1', stream, Number(delta.version), 1000, '');
      return (await pending).session!.id!;
    };
    return { store: cstore, manager, fanout, stream, presence, connect, stop: () => manager.stop() };
  };
  await database.notifier.start();
  const second = openSecond ? await openSecond() : database;
  if (second !== database) await second.notifier.start();
  const narrow = () => {
    policy = parse(NARROWER);
  };
  return { store, database, second, controller, errors, narrow };
}

test('a revocation committed on one controller reaches a Watch on another, which closes', async (t) => {
  const { database, second, controller, errors } = await setup(t);
  const a = await controller(database, 'ctl-a');
  const b = await controller(second, 'ctl-b');
  const id = await a.connect();
  const watcher = watch(b.manager, id);
  await a.manager.revokeSession(id, 'test', 'admin:root');
  await until(() => watcher.closed(), 'the Watch on B closed');
  assert.deepEqual(watcher.events.map((e) => e.kind), ['revoked']);
  assert.match(watcher.events[0]!.message!, /revoked by admin:root/);
  assert.deepEqual(errors, []);
});

test('an update committed on one controller reaches a Watch on another', async (t) => {
  const { database, second, controller, errors, narrow } = await setup(t);
  const a = await controller(database, 'ctl-a');
  const b = await controller(second, 'ctl-b');
  const id = await a.connect();
  const watcher = watch(b.manager, id);
  narrow();
  assert.equal(await a.manager.reevaluateAll('policy version 2 applied', 'admin:root'), 1);
  await until(() => watcher.events.length > 0, 'the Watch on B was told');
  assert.deepEqual(watcher.events.map((e) => e.kind), ['updated']);
  assert.deepEqual(watcher.events[0]!.session!.entitlements!.map((e) => e.resource), ['web']);
  assert.equal(watcher.closed(), false);
  assert.deepEqual(errors, []);
});

test('a session opened on one controller expires once, with both controllers\' timers armed', async (t) => {
  const { store, database, second, controller, errors } = await setup(t);
  const a = await controller(database, 'ctl-a');
  const b = await controller(second, 'ctl-b');
  const id = await a.connect(1_500);
  const watcher = watch(b.manager, id);
  await until(async () => (await store.sessions.get(id))?.state === 'expired', 'the session expired');
  await until(() => watcher.closed(), 'the Watch on B closed');
  assert.deepEqual(watcher.events.map((e) => e.kind), ['expired']);
  // Both timers fire a few milliseconds after the expiry; the later one finds nothing to do.
  await new Promise((r) => setTimeout(r, 500));
  const audit = await Audit.open(store);
  assert.equal((await audit.list(0, 1000, 'session.expire')).length, 1, 'one session.expire record');
  assert.deepEqual(errors, []);
});

test('a session opened on a controller that then stops expires on the other, by the timer its notification armed', async (t) => {
  const { store, database, second, controller, errors } = await setup(t);
  const b = await controller(second, 'ctl-b');
  const a = await controller(database, 'ctl-a');
  const id = await a.connect(1_500);
  // B started before the session existed: only the notification tells it of the session.
  const deadlines = (b.manager as unknown as { deadlines: { has(id: string): boolean } }).deadlines;
  await until(() => deadlines.has(id), 'B armed the session\'s timer');
  a.stop();
  await until(async () => (await store.sessions.get(id))?.state === 'expired', 'the session expired on B');
  const audit = await Audit.open(store);
  assert.equal((await audit.list(0, 1000, 'session.expire')).length, 1);
  assert.deepEqual(errors, []);
});

test('the sweep ends a session past its expiry whose timer never fired', async (t) => {
  const clock = { now: Date.now() };
  const { store, database, controller, errors } = await setup(t);
  const a = await controller(database, 'ctl-a', { now: () => clock.now });
  const id = await a.connect(3_600_000);
  // Two hours later by the controller's clock; the timer (armed for an hour of real time) has not fired.
  clock.now += 2 * 3_600_000;
  await (a.manager as unknown as { sweep(): Promise<void> }).sweep();
  const s = await store.sessions.get(id);
  assert.equal(s?.state, 'expired');
  assert.deepEqual(errors, []);
});

test('after lost notifications, watched sessions whose state changed are told, the others are not', async (t) => {
  const { database, second, controller, errors } = await setup(t);
  const lossy = new Lossy(second.notifier);
  const a = await controller(database, 'ctl-a');
  const b = await controller(second, 'ctl-b', { notifier: lossy });
  const revoked = await a.connect();
  const kept = await a.connect();
  await new Promise((r) => setTimeout(r, 200));
  const watchRevoked = watch(b.manager, revoked);
  const watchKept = watch(b.manager, kept);
  // What the Watch streams opened with (client-handlers.ts).
  for (const id of [revoked, kept]) b.manager.watchOpened((await b.store.sessions.get(id))!);
  lossy.deaf = true;
  await a.manager.revokeSession(revoked, 'test', 'admin:root');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(watchRevoked.closed(), false, 'B missed the notification');
  lossy.gap();
  await until(() => watchRevoked.closed(), 'the Watch of the revoked session closed');
  assert.deepEqual(watchRevoked.events.map((e) => e.kind), ['revoked']);
  assert.deepEqual(watchKept.events, [], 'an unchanged session is not told');
  assert.deepEqual(errors, []);
});

test('a controller starting next to a running one gives no heartbeat grace; alone it does', async (t) => {
  const { store, database, second, controller, errors } = await setup(t);
  const a = await controller(database, 'ctl-a');
  const id = await a.connect();
  const silentSince = Date.now() - 60_000;
  await store.sessions.heartbeat(id, silentSince);
  // ctl-a is running (registered and heartbeating) when ctl-b starts.
  await store.controllers.register({ id: 'ctl-a', hostname: 'h', apiAddress: 'a:1', authAddress: 'a:2', startedAtMs: Date.now(), clients: 0, gateways: [] }, Date.now());
  await controller(second, 'ctl-b');
  const heard = (await store.sessions.get(id))!.lastHeartbeatMs;
  if (database.dialect === 'postgres') assert.equal(heard, silentSince, 'the client heartbeats on the running controller: no grace');
  else assert.ok(heard > silentSince, 'one controller per SQLite database: its clients could not heartbeat while it was down');
  assert.deepEqual(errors, []);
});

test('a gateway whose stream another controller holds is connected in client peers, and its loss is told to Watch clients', { skip: testStoreKind() !== 'postgres' ? 'several controllers share PostgreSQL only' : false }, async (t) => {
  const { store, database, second, controller, errors } = await setup(t);
  for (const id of ['ctl-a', 'ctl-b']) await store.controllers.register({ id, hostname: 'h', apiAddress: 'a:1', authAddress: 'a:2', startedAtMs: Date.now(), clients: 0, gateways: [] }, Date.now());
  const a = await controller(database, 'ctl-a', { presence: true });
  const b = await controller(second, 'ctl-b', { presence: true, attach: false });
  await a.store.transaction((tx) => a.presence!.markConnected(tx, 'dc1', 'gw.example.com:51820', '', Date.now()));
  await until(() => b.presence!.isConnected('dc1'), 'B hears that A holds dc1');
  const id = await a.connect();
  const peers = await b.manager.clientPeers((await b.store.sessions.get(id))!);
  assert.deepEqual(peers.map((p) => [p.gateway, p.connected]), [['dc1', true]]);
  const watcher = watch(b.manager, id);
  // A's stream closes and nobody else holds it.
  a.fanout.detach('dc1', a.stream);
  await a.presence!.markDisconnected('dc1');
  await until(() => watcher.events.length > 0, 'the Watch on B was told');
  assert.equal(watcher.events[0]!.kind, 'updated');
  assert.deepEqual(watcher.events[0]!.gateways!.map((p) => [p.gateway, p.connected]), [['dc1', false]]);
  assert.deepEqual(errors, []);
});
