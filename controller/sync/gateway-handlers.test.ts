// The Gateway.Sync handler: a stream that closes while its Hello is still awaiting the store
// (or while its attach waits in the fan-out) must not leave the gateway connected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { openTestStore } from '../../test/support/store.js';
import { createLogger } from '../../common/log.js';
import { Audit } from '../audit/audit.js';
import { SyncFanout } from './fanout.js';
import { gatewayService, type BeforeAttach, type GatewayServiceDeps } from './gateway-handlers.js';
import type { GatewaySession } from '../../proto/generated/wicket/v1/GatewaySession.js';
import type { Store } from '../store/store.js';
import type { Notifier } from '../store/notifications.js';
import { GatewayPresence } from '../gateways/presence.js';

class FakeCall extends EventEmitter {
  readonly written: unknown[] = [];
  write(m: unknown): boolean {
    this.written.push(m);
    return true;
  }
  end(): void {
    this.emit('finish');
  }
  getAuthContext() {
    return null;
  }
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}

const KEY = Buffer.alloc(32, 7).toString('base64');

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

async function until(cond: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !(await cond()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(await cond(), what);
}

/** One controller's Sync service over `store`: its fan-out, its presence marks as `self`. */
async function controllerOn(store: Store, notifier: Notifier, self: string, hooks: { beforeAttach?: BeforeAttach; snapshot?: () => Promise<GatewaySession[]> }, errors: unknown[]) {
  const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);
  const reportInternal = (_where: string, err: unknown) => errors.push(err);
  const fanout = new SyncFanout({ store, notifier, snapshot: hooks.snapshot ?? (() => []), entries: () => [], onAck: () => undefined, log, reportInternal });
  const presence = new GatewayPresence({ store, notifier, self, held: (g) => fanout.isConnected(g), now: () => 1000, reportInternal });
  const caller: Awaited<ReturnType<GatewayServiceDeps['authorize']>> = { kind: 'gateway', name: 'dc1', serial: 'serial', notAfterMs: Number.MAX_SAFE_INTEGER, identities: [] };
  const registry = new Registry();
  // Registers nothing: no certificate is retired here.
  const streams = { add: () => () => undefined } as unknown as GatewayServiceDeps['gatewayStreams'];
  const service = gatewayService({
    store, audit: await Audit.open(store), gatewayStreams: streams, metrics: { registry },
    now: () => 1000, reportInternal, log, authorize: () => Promise.resolve(caller), presence,
  }, fanout, hooks.beforeAttach);
  /** Opens a Sync stream and sends its Hello. */
  const hello = async () => {
    const call = new FakeCall();
    service.Sync(call as unknown as grpc.ServerDuplexStream<never, never>);
    await settle();
    call.emit('data', { hello: { publicKey: KEY, endpoint: 'gw.example.com:51820', agentVersion: 'test', appliedVersion: 0 } });
    return call;
  };
  return { fanout, hello };
}

async function setup(t: { after: (fn: () => Promise<void>) => void }, hooks: { beforeAttach?: BeforeAttach; snapshot?: () => Promise<GatewaySession[]> }) {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await store.gateways.enroll('dc1', 'serial', 0, KEY, '');
  const errors: unknown[] = [];
  const { fanout, hello } = await controllerOn(store, database.notifier, 'ctl-a', hooks, errors);
  const call = await hello();
  return { store, database, fanout, call, errors };
}

test('a stream that closes during its Hello leaves the gateway disconnected', async (t) => {
  const beforeAttach = gate();
  let attaching = false;
  const { store, fanout, call, errors } = await setup(t, {
    beforeAttach: () => {
      attaching = true;
      return beforeAttach.opened;
    },
  });
  await until(() => attaching, 'the Hello reached beforeAttach');
  call.emit('cancelled');
  call.emit('close');
  beforeAttach.open();
  await settle();
  assert.equal(fanout.isConnected('dc1'), false);
  assert.equal((await store.gateways.get('dc1'))?.connected, false);
  assert.equal(call.written.length, 0, 'nothing is sent on a closed stream');
  assert.deepEqual(errors, []);
});

test('a stream that closes while its attach waits in the fan-out leaves the gateway disconnected', async (t) => {
  const snapshot = gate();
  let snapshotAsked = false;
  const { store, fanout, call, errors } = await setup(t, {
    snapshot: async () => {
      snapshotAsked = true;
      await snapshot.opened;
      return [];
    },
  });
  // Hold the fan-out's queue for dc1 with an earlier attach, so this stream's attach is queued.
  const earlier = new FakeCall();
  const first = fanout.attach('dc1', earlier);
  // The snapshot is read in a transaction (on SQLite holding the one connection until the gate opens).
  await until(() => snapshotAsked, 'the earlier attach reads its snapshot');
  // Its attach is now queued behind the earlier one.
  await settle();
  fanout.detach('dc1', earlier);
  call.emit('cancelled');
  call.emit('close');
  snapshot.open();
  await first;
  await settle();
  assert.equal(fanout.isConnected('dc1'), false);
  // The mark is cleared in a transaction of its own, after the close.
  await until(async () => (await store.gateways.get('dc1'))?.connected === false, 'the gateway is marked disconnected');
  assert.deepEqual(errors, []);
});

test('overlapping Hellos on two controllers: the older stream\'s close leaves the newer one\'s mark', async (t) => {
  const { store, database, fanout, call, errors } = await setup(t, {});
  await until(() => fanout.isConnected('dc1'), 'controller A attached the first stream');
  // The gateway reconnects to controller B before A notices its first stream is gone.
  const b = await controllerOn(store, database.notifier, 'ctl-b', {}, errors);
  await b.hello();
  await until(() => b.fanout.isConnected('dc1'), 'controller B attached the second stream');
  assert.equal((await store.gateways.get('dc1'))?.holder, 'ctl-b');
  // A's stream closes only now: its mark is gone already, B's stays.
  call.emit('cancelled');
  call.emit('close');
  await settle();
  assert.equal(fanout.isConnected('dc1'), false);
  const row = await store.gateways.get('dc1');
  assert.equal(row?.connected, true, 'still connected: B holds the stream');
  assert.equal(row?.holder, 'ctl-b');
  assert.deepEqual(errors, []);
});
