// Admin.ListSessions and Admin.ListFlows as the console pages call them, over real gRPC with
// mutual TLS and a real SQLite file: filters, pages and totals, the flow histogram, and
// out-of-bounds values refused with INVALID_ARGUMENT naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { call } from '../../common/grpc.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { telemetryModule } from '../../controller/telemetry/module.js';
import { addUser, rpcError, startTestController, type TestController } from './harness.js';

const LAPTOP = '1'.repeat(32);
const PHONE = '2'.repeat(32);
const MINUTE = 60_000;

describe('console list calls over gRPC', () => {
  let t: TestController;
  let now: number;

  before(async () => {
    t = await startTestController({ modules: [sessionModule(), telemetryModule()] });
    await addUser(t, 'alice', 'pw-alice quartz tram');
    await addUser(t, 'bob', 'pw-bob quartz tram');
    now = t.now();
    const { store } = t.controller.ctx;
    const { sessions } = store;
    // alice: a0..a4 on her laptop (a0 oldest) then p0 on her phone, ended; bob: b0 on his phone. dc1 serves a1, a3 and b0.
    const add = (id: string, user: string, deviceId: string, createdAtMs: number, n: number) => sessions.insert({
      id, user, deviceId, certSerial: `c${n}`, overlayAddress: `100.64.0.${n + 2}`, wgPublicKey: `key${n}`, posture: {} as never, mfa: true,
      createdAtMs, expiresAtMs: now + 3_600_000, entitlements: [], lastHeartbeatMs: now,
    });
    for (let i = 0; i < 5; i++) await add(`a${i}`, 'alice', LAPTOP, now - 100 + i, i);
    await add('p0', 'alice', PHONE, now - 10, 5);
    await add('b0', 'bob', PHONE, now - 200, 6);
    await sessions.end('p0', 'revoked', 'lost phone', now);
    for (const id of ['a1', 'a3', 'b0']) await sessions.addGateway(id, 'dc1', Buffer.alloc(1));
    // Flows: alice's laptop one a minute for 10 minutes; bob's phone two in the last minute; one denied attempt of bob's (count 4).
    const flow = (sessionId: string, endedAtMs: number) => ({ sessionId, source: '100.64.0.2', destination: '10.0.0.1', protocol: 'tcp', port: 443,
      startedAtMs: endedAtMs - 10, endedAtMs, bytesOut: 1, bytesIn: 2 });
    await store.transaction((tx) => tx.telemetry.ingest('dc1', {
      seq: 1, collectedAtMs: now, peers: [], counters: [], httpRequests: [], droppedRecords: 0,
      flows: [...Array.from({ length: 10 }, (_, i) => flow('a0', now - (10 - i) * MINUTE + 1)), flow('b0', now - 30_000), flow('b0', now - 20_000)],
      denied: [{ sessionId: 'b0', source: '100.64.0.8', destination: '10.0.0.9', protocol: 'tcp', port: 22, count: 4, firstSeenMs: now - 40_000, lastSeenMs: now - 30_000 }],
    }, now));
  });

  after(async () => {
    await t?.stop();
  });

  const list = async (req: object) => {
    const r = await call(t.admin.admin, 'ListSessions', { all: false, user: '', ...req });
    return [r.sessions.map((s) => s.id), r.total];
  };

  test('ListSessions filters by user, device, gateway and id; pages newest first with the total of matches', async () => {
    assert.deepEqual(await list({}), [['a4', 'a3', 'a2', 'a1', 'a0', 'b0'], 6]);
    assert.deepEqual(await list({ user: 'alice', limit: 2, offset: 1 }), [['a3', 'a2'], 5]);
    assert.deepEqual(await list({ user: 'alice', limit: 2, offset: 4 }), [['a0'], 5]);
    assert.deepEqual(await list({ user: 'alice', limit: 2, offset: 5 }), [[], 5]);
    assert.deepEqual(await list({ deviceId: PHONE }), [['b0'], 1]);
    assert.deepEqual(await list({ deviceId: PHONE, all: true }), [['p0', 'b0'], 2]);
    assert.deepEqual(await list({ gateway: 'dc1' }), [['a3', 'a1', 'b0'], 3]);
    assert.deepEqual(await list({ gateway: 'dc1', user: 'bob' }), [['b0'], 1]);
    const [ended] = (await call(t.admin.admin, 'ListSessions', { id: 'p0' })).sessions;
    assert.equal(ended!.id, 'p0');
    assert.equal(ended!.state, 'revoked');
  });

  test('a request that leaves the new fields out lists as before: every live session, no page', async () => {
    const r = await call(t.admin.admin, 'ListSessions', { all: false, user: 'alice' });
    assert.deepEqual(r.sessions.map((s) => s.id), ['a4', 'a3', 'a2', 'a1', 'a0']);
  });

  test('ListFlows filters by device and pages by offset; the histogram counts per bucket in order', async () => {
    const r = await call(t.admin.admin, 'ListFlows', { deviceId: PHONE, limit: 1, offset: 1 });
    assert.deepEqual(r.flows.map((f) => [f.username, f.flow!.endedAtMs]), [['bob', now - 30_000]]);
    assert.deepEqual(r.denied.map((d) => d.attempt!.count), [], 'the only denied attempt is skipped by the offset');
    assert.deepEqual(r.histogram, [], 'no histogram unless asked for');

    // Buckets run from since to the controller's now, which moves on while the test runs:
    // since 9.5 minutes before the seeding keeps their number at 10 (the last ends 30 s after it).
    const since = now - 10 * MINUTE + 30_000;
    const h = await call(t.admin.admin, 'ListFlows', { sinceMs: since, bucketMs: MINUTE, limit: 1 });
    assert.equal(h.flows.length, 1);
    assert.deepEqual(h.histogram.map((b) => b.startMs), Array.from({ length: 10 }, (_, i) => since + i * MINUTE));
    // alice's first flow ended before since; bob's two are in the last bucket with his denied attempt.
    assert.deepEqual(h.histogram.map((b) => b.flows), [1, 1, 1, 1, 1, 1, 1, 1, 1, 2]);
    assert.deepEqual(h.histogram.map((b) => b.denied), [0, 0, 0, 0, 0, 0, 0, 0, 0, 4]);
    const bob = await call(t.admin.admin, 'ListFlows', { user: 'bob', sinceMs: since, bucketMs: 5 * MINUTE });
    assert.deepEqual(bob.histogram.map((b) => [b.flows, b.denied]), [[0, 0], [2, 4]]);
  });

  test('out-of-bounds values are refused with INVALID_ARGUMENT naming the field', async () => {
    const refused = async (method: 'ListSessions' | 'ListFlows', req: object, field: RegExp) => {
      const err = await rpcError(call(t.admin.admin, method, req as never)).catch((e: Error) => assert.fail(`${JSON.stringify(req)}: ${e.message}`));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, JSON.stringify(req));
      assert.match(err.details, field);
    };
    await refused('ListSessions', { limit: 10_001 }, /^limit: must be at most 10000/);
    await refused('ListSessions', { offset: -1 }, /^offset: must not be negative/);
    await refused('ListSessions', { deviceId: 'laptop' }, /^device_id: /);
    await refused('ListSessions', { gateway: 'dc 1' }, /^gateway: /);
    await refused('ListSessions', { id: 'a/1' }, /^id: is not a valid id/);
    await refused('ListFlows', { offset: -5 }, /^offset: must not be negative/);
    await refused('ListFlows', { deviceId: 'A'.repeat(32) }, /^device_id: /);
    await refused('ListFlows', { bucketMs: 999, sinceMs: now - MINUTE }, /^bucket_ms: must be 0 or at least 1000/);
    // 1,001 one-second buckets from since to now; and a histogram from the beginning of time.
    await refused('ListFlows', { bucketMs: 1000, sinceMs: now - 1_001_000 }, /^bucket_ms: at most 1000 buckets/);
    await refused('ListFlows', { bucketMs: MINUTE }, /^bucket_ms: at most 1000 buckets/);
  });
});
