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

async function setup(t: { after: (fn: () => Promise<void>) => void }, hooks: { beforeAttach?: BeforeAttach; snapshot?: () => Promise<GatewaySession[]> }) {
  const { store, close, database } = await openTestStore();
  t.after(close);
  await store.gateways.enroll('dc1', 'serial', 0, KEY, '');
  const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);
  const errors: unknown[] = [];
  const reportInternal = (_where: string, err: unknown) => errors.push(err);
  const fanout = new SyncFanout({ store, notifier: database.notifier, snapshot: hooks.snapshot ?? (() => []), entries: () => [], onAck: () => undefined, log, reportInternal });
  t.after(() => Promise.resolve(fanout.close()));
  const caller: Awaited<ReturnType<GatewayServiceDeps['authorize']>> = { kind: 'gateway', name: 'dc1', serial: 'serial', notAfterMs: Number.MAX_SAFE_INTEGER, identities: [] };
  const registry = new Registry();
  // Registers nothing: no certificate is retired here.
  const streams = { add: () => () => undefined } as unknown as GatewayServiceDeps['gatewayStreams'];
  const service = gatewayService({
    store, audit: await Audit.open(store), gatewayStreams: streams, metrics: { registry },
    now: () => 1000, reportInternal, log, authorize: () => Promise.resolve(caller),
  }, fanout, hooks.beforeAttach);
  const call = new FakeCall();
  service.Sync(call as unknown as grpc.ServerDuplexStream<never, never>);
  await settle();
  call.emit('data', { hello: { publicKey: KEY, endpoint: 'gw.example.com:51820', agentVersion: 'test', appliedVersion: 0 } });
  return { store, fanout, call, errors };
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
  assert.equal((await store.gateways.get('dc1'))?.connected, false);
  assert.deepEqual(errors, []);
});
