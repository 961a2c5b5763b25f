// Unit tests of the telemetry store on a real SQLite file: ingest idempotence by gateway +
// seq, denied-attempt upserts and their deltas, endpoint changes, attribution, filters and
// pages, the histogram over time, the query plans, retention; the same for HTTP requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database as SqliteHandle } from 'better-sqlite3';
import { openTestStore } from '../../test/support/store.js';
import { chunkSizes, TelemetryStore, telemetryQueries, type TelemetryFilter } from './telemetry-store.js';
import type { Executor } from '../store/store.js';
import type { CompiledQuery } from 'kysely';
import type { HttpRequestRecord__Output as HttpRequestRecord } from '../../proto/generated/wicket/v1/HttpRequestRecord.js';

async function withStore(fn: (t: TelemetryStore, db: SqliteHandle, kysely: Executor) => Promise<void>) {
  const { store, database, close } = await openTestStore({ sqliteOnly: true });
  const db = database.sqlite!;
  try {
    db.prepare("INSERT INTO users (name, totp_sealed, created_at_ms) VALUES ('alice', x'00', 1)").run();
    db.prepare(`INSERT INTO sessions (id, user_name, device_id, cert_serial, overlay_address, wg_public_key, posture_json, mfa, created_at_ms,
      expires_at_ms, state, entitlements_json, last_heartbeat_ms) VALUES ('s1', 'alice', 'dev1', 'x', '100.64.0.2', 'k', '{}', 1, 1, 9000000000000, 'active', '[]', 1)`).run();
    // Each ingest runs in its transaction, as the controller's ingest runs it.
    const t = new TelemetryStore(store.db, store.dialect);
    t.ingest = (gateway, b, nowMs) => store.transaction((tx) => tx.telemetry.ingest(gateway, b, nowMs));
    await fn(t, db, store.db);
  } finally {
    await close();
  }
}

const flow = (ended: number) => ({ sessionId: 's1', source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port: 80, startedAtMs: ended - 5, endedAtMs: ended, bytesOut: 100, bytesIn: 2000 });
const denied = (count: number, last: number) => ({ sessionId: 's1', source: '100.64.0.2', destination: '10.0.2.10', protocol: 'tcp', port: 5432, count, firstSeenMs: 1000, lastSeenMs: last });
const request = (started: number, parts: Partial<HttpRequestRecord> = {}): HttpRequestRecord => ({ sessionId: 's1', resource: 'wiki', method: 'GET',
  hostname: 'wiki.corp.example', path: '/docs/a', status: 200, bytesIn: 0, bytesOut: 512, startedAtMs: started, durationUs: 1500, username: 'alice',
  deviceId: 'dev1', deniedReason: '', tunnel: true, ...parts });
const batch = (seq: number, parts: Partial<{ flows: ReturnType<typeof flow>[]; denied: ReturnType<typeof denied>[]; httpRequests: HttpRequestRecord[]; peers: { sessionId: string; endpoint: string; lastHandshakeMs: number; rxBytes: number; txBytes: number }[] }> = {}) =>
  ({ seq, collectedAtMs: 5000, peers: [], counters: [], denied: [], flows: [], httpRequests: [], droppedRecords: 0, ...parts });

test('a resent batch (same gateway and seq) is stored once; another gateway\'s same seq is its own', () => withStore(async (t) => {
  assert.equal((await t.ingest('dc1', batch(1, { flows: [flow(10)] }), 100)).stored, true);
  assert.equal((await t.ingest('dc1', batch(1, { flows: [flow(10)] }), 200)).stored, false);
  assert.equal((await t.counts()).flows, 1);
  assert.equal((await t.ingest('dc2', batch(1, { flows: [flow(11)] }), 200)).stored, true);
  assert.equal((await t.counts()).flows, 2);
}));

test('flows and denied attempts are attributed to user and device, filtered and newest first', () => withStore(async (t) => {
  await t.ingest('dc1', batch(1, { flows: [flow(10), flow(20)], denied: [denied(2, 1500)] }), 100);
  const flows = await t.flows({ limit: 10 });
  assert.deepEqual(flows.map((f) => [f.endedAtMs, f.username, f.deviceId, f.gateway]), [[20, 'alice', 'dev1', 'dc1'], [10, 'alice', 'dev1', 'dc1']]);
  assert.equal((await t.flows({ limit: 10, user: 'bob' })).length, 0);
  assert.equal((await t.flows({ limit: 10, sessionId: 's1', sinceMs: 15 })).length, 1);
  const [d] = await t.denied({ limit: 10, user: 'alice' });
  assert.equal(d.count, 2);
  assert.equal(d.username, 'alice');
}));

test('a denied tuple reported again replaces its count and yields only the increase', () => withStore(async (t) => {
  const a = await t.ingest('dc1', batch(1, { denied: [denied(3, 1500)] }), 100);
  assert.deepEqual(a.denied, [{ sessionId: 's1', attempts: 3, atMs: 1500 }]);
  const b = await t.ingest('dc1', batch(2, { denied: [denied(7, 2500)] }), 100);
  assert.deepEqual(b.denied, [{ sessionId: 's1', attempts: 4, atMs: 2500 }]);
  assert.equal((await t.counts()).denied, 1);
  assert.equal((await t.denied({ limit: 5 }))[0].count, 7);
}));

test('peer figures feed session stats and report endpoint changes', () => withStore(async (t) => {
  assert.equal(await t.sessionStats('s1'), undefined);
  const peer = { sessionId: 's1', endpoint: '198.51.100.7:40000', lastHandshakeMs: 4000, rxBytes: 10, txBytes: 20 };
  assert.deepEqual((await t.ingest('dc1', batch(1, { peers: [peer] }), 100)).endpointChanges, []);
  assert.deepEqual(await t.sessionStats('s1'), { rxBytes: 10, txBytes: 20, lastHandshakeMs: 4000 });
  const r = await t.ingest('dc1', { ...batch(2, { peers: [{ ...peer, endpoint: '203.0.113.9:5000', rxBytes: 50 }] }), collectedAtMs: 9000 }, 100);
  assert.deepEqual(r.endpointChanges, [{ sessionId: 's1', gateway: 'dc1', from: '198.51.100.7:40000', to: '203.0.113.9:5000', previousAtMs: 5000, atMs: 9000 }]);
  assert.equal((await t.sessionStats('s1'))!.rxBytes, 50);
}));

test('retention deletes by age, then keeps only the newest rows', () => withStore(async (t) => {
  await t.ingest('dc1', batch(1, { flows: [flow(10), flow(20), flow(30_000), flow(40_000), flow(50_000)] }), 100);
  assert.ok(await t.prune({ maxAgeMs: 30_000, maxRows: 100 }, 50_000) >= 2);
  assert.deepEqual((await t.flows({ limit: 10 })).map((f) => f.endedAtMs), [50_000, 40_000, 30_000]);
  await t.prune({ maxAgeMs: 1e9, maxRows: 2 }, 50_000);
  assert.deepEqual((await t.flows({ limit: 10 })).map((f) => f.endedAtMs), [50_000, 40_000]);
}));

test('a batch larger than one multi-row chunk stores every flow with all its fields, in order', () => withStore(async (t) => {
  // At most 1,024 flows go per statement: 2,500 = two whole statements and a remainder of 256 + 128 + 64 + 4.
  const flows = Array.from({ length: 2500 }, (_, i) => ({ ...flow(1000 + i), port: i, bytesOut: i * 3, bytesIn: i * 7, startedAtMs: i }));
  await t.ingest('dc1', batch(1, { flows }), 100);
  const stored = (await t.flows({ limit: 10_000 })).reverse();
  assert.equal(stored.length, 2500);
  assert.deepEqual(stored.map(({ username: _u, deviceId: _d, gateway: _g, ...f }) => f), flows);
  assert.ok(stored.every((f) => f.gateway === 'dc1' && f.username === 'alice'));
}));

test('statement sizes: whole chunks, then the remainder in powers of two', () => {
  assert.deepEqual(chunkSizes(0, 1024), []);
  assert.deepEqual(chunkSizes(2500, 1024), [1024, 1024, 256, 128, 64, 4]);
  assert.deepEqual(chunkSizes(1023, 1024), [512, 256, 128, 64, 32, 16, 8, 4, 2, 1]);
  assert.deepEqual(chunkSizes(1, 1), [1]);
});

test('rule counters: a tuple repeated in one batch (also across statements) ends at its last report', () => withStore(async (t, db) => {
  const counter = (dest: string, packets: number) => ({ sessionId: 's1', destination: dest, protocol: 'tcp', portFrom: 80, portTo: 80, packets, bytes: packets * 100 });
  const counters = Array.from({ length: 230 }, (_, i) => counter(`10.0.${i % 120}.1`, i));
  await t.ingest('dc1', { ...batch(1), counters }, 100);
  const rows = db.prepare('SELECT destination, packets, bytes, updated_at_ms FROM rule_counters ORDER BY packets').all() as
    { destination: string; packets: number; bytes: number; updated_at_ms: number }[];
  assert.equal(rows.length, 120);
  // Tuple k was reported at i = k, k + 120 (and k + 240 < 230 never): the last one wins.
  for (const r of rows) {
    const k = Number(r.destination.split('.')[2]);
    const last = k + 120 < 230 ? k + 120 : k;
    assert.deepEqual([r.packets, r.bytes, r.updated_at_ms], [last, last * 100, 5000]);
  }
}));

test('denied increases and endpoint changes are the same as row by row: across chunks and for keys repeated in a batch', () => withStore(async (t) => {
  const tuple = (i: number, count: number) => ({ ...denied(count, 1500 + i), port: 1000 + i, protocol: i % 2 ? 'udp' : 'tcp' });
  // 150 tuples stored with count 2; then 250 (the 150 again with count 5, 100 new with count 1).
  await t.ingest('dc1', batch(1, { denied: Array.from({ length: 150 }, (_, i) => tuple(i, 2)) }), 100);
  const r = await t.ingest('dc1', batch(2, { denied: Array.from({ length: 250 }, (_, i) => tuple(i, i < 150 ? 5 : 1)) }), 100);
  assert.deepEqual(r.denied.map((d) => d.attempts), [...new Array(150).fill(3), ...new Array(100).fill(1)]);
  assert.equal((await t.counts()).denied, 250);
  // Another gateway's identical tuple is its own row; a tuple repeated in one batch counts its increase once.
  const again = await t.ingest('dc2', batch(1, { denied: [tuple(0, 4), tuple(0, 9), tuple(0, 6)] }), 100);
  assert.deepEqual(again.denied.map((d) => d.attempts), [4, 5]);
  assert.equal((await t.denied({ limit: 1000 })).find((d) => d.gateway === 'dc2')!.count, 9);

  const peer = (endpoint: string) => ({ sessionId: 's1', endpoint, lastHandshakeMs: 4000, rxBytes: 10, txBytes: 20 });
  assert.deepEqual((await t.ingest('dc1', batch(3, { peers: [peer('198.51.100.7:1'), peer('203.0.113.9:2')] }), 100)).endpointChanges,
    [{ sessionId: 's1', gateway: 'dc1', from: '198.51.100.7:1', to: '203.0.113.9:2', previousAtMs: 5000, atMs: 5000 }]);
  assert.deepEqual((await t.ingest('dc2', batch(2, { peers: [peer('192.0.2.1:3')] }), 100)).endpointChanges, [], 'another gateway has its own endpoint');
}));

/** Adds bob's session s2 on device dev2 next to alice's s1 on dev1. */
function addBob(db: SqliteHandle): void {
  db.prepare("INSERT INTO users (name, totp_sealed, created_at_ms) VALUES ('bob', x'00', 1)").run();
  db.prepare(`INSERT INTO sessions (id, user_name, device_id, cert_serial, overlay_address, wg_public_key, posture_json, mfa, created_at_ms,
    expires_at_ms, state, entitlements_json, last_heartbeat_ms) VALUES ('s2', 'bob', 'dev2', 'y', '100.64.0.3', 'k2', '{}', 1, 2, 9000000000000, 'active', '[]', 1)`).run();
}

test('flows and denied attempts filter by device and page by offset, newest first', () => withStore(async (t, db) => {
  addBob(db);
  const bobFlow = (ended: number) => ({ ...flow(ended), sessionId: 's2' });
  await t.ingest('dc1', batch(1, { flows: [flow(10), bobFlow(15), flow(20), bobFlow(25), flow(30)], denied: [denied(1, 1500), { ...denied(4, 1600), sessionId: 's2', port: 22 }] }), 100);
  const ended = async (f: Parameters<TelemetryStore['flows']>[0]) => (await t.flows(f)).map((x) => x.endedAtMs);
  assert.deepEqual(await ended({ limit: 10, deviceId: 'dev2' }), [25, 15]);
  assert.deepEqual(await ended({ limit: 10, user: 'alice' }), [30, 20, 10]);
  assert.deepEqual(await ended({ limit: 10, user: 'alice', deviceId: 'dev2' }), []);
  assert.deepEqual(await ended({ limit: 2, offset: 1 }), [25, 20]);
  assert.deepEqual(await ended({ limit: 2, offset: 4 }), [10]);
  assert.deepEqual(await ended({ limit: 2, offset: 5 }), []);
  assert.deepEqual(await ended({ limit: 10, offset: 1, user: 'alice', sinceMs: 15 }), [20]);
  assert.deepEqual((await t.denied({ limit: 10, deviceId: 'dev2' })).map((d) => [d.username, d.count]), [['bob', 4]]);
  assert.deepEqual((await t.denied({ limit: 10, offset: 1 })).map((d) => d.username), ['alice']);
}));

test('the histogram counts flows by end and denied attempts by last sight per bucket from since to until, with the filters', () => withStore(async (t, db) => {
  addBob(db);
  await t.ingest('dc1', batch(1, {
    // Before since (ignored), the first bucket's start and end (the end belongs to the next), the last bucket.
    flows: [flow(999), flow(1000), flow(1999), flow(2000), { ...flow(2500), sessionId: 's2' }, flow(3400)],
    denied: [denied(3, 1200), { ...denied(5, 1300), port: 22 }, { ...denied(7, 3100), sessionId: 's2', port: 23 }],
  }), 100);
  // until 3500 is not a whole number of buckets after since: the last one is partly in the future.
  assert.deepEqual(await t.histogram({ sinceMs: 1000 }, 1000, 3500), [
    { startMs: 1000, flows: 2, denied: 8 }, { startMs: 2000, flows: 2, denied: 0 }, { startMs: 3000, flows: 1, denied: 7 }]);
  assert.deepEqual((await t.histogram({ sinceMs: 1000, user: 'bob' }, 1000, 3500)).map((b) => [b.flows, b.denied]), [[0, 0], [1, 0], [0, 7]]);
  assert.deepEqual((await t.histogram({ sinceMs: 1000, deviceId: 'dev1', sessionId: 's1' }, 1000, 3000)).map((b) => [b.flows, b.denied]), [[2, 8], [1, 0]]);
  assert.deepEqual(await t.histogram({ sinceMs: 5000 }, 1000, 3500), [], 'since after until: no bucket');
}));

/** The query plan's lines (EXPLAIN QUERY PLAN) of a statement. */
function plan(db: SqliteHandle, query: { compile(): CompiledQuery }): string[] {
  const { sql, parameters } = query.compile();
  return db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters).map((r) => r.detail);
}

/** The queries of filter `f`, as a deep page and a one-hour histogram by minute would run them. */
const queriesOf = (kysely: Executor, f: Omit<TelemetryFilter, 'limit'>) => telemetryQueries(kysely, { ...f, sinceMs: 0, limit: 50, offset: 5000 }, { bucketMs: 60_000, buckets: 60 });

test('every filter combination walks the time index and reads a user\'s or device\'s sessions from an index: no table scan', () => withStore(async (_t, db, kysely) => {
  for (const f of [{}, { sessionId: 's1' }, { user: 'alice' }, { deviceId: 'dev1' }, { user: 'alice', deviceId: 'dev1', sessionId: 's1' }]) {
    const sql = queriesOf(kysely, f);
    const lines = [...plan(db, sql.flows), ...plan(db, sql.denied), ...plan(db, sql.histogram)];
    const label = `${JSON.stringify(f)}: ${lines.join('; ')}`;
    // Each listing walks newest first from since, each histogram bucket is one range of the index, and nothing is sorted but the buckets.
    assert.ok(lines.includes('SEARCH t USING INDEX flows_ended (ended_at_ms>?)'), label);
    assert.ok(lines.includes('SEARCH t USING INDEX denied_last_seen (last_seen_ms>?)'), label);
    assert.ok(lines.some((l) => /^SEARCH t USING (COVERING )?INDEX flows_ended \(ended_at_ms>\? AND ended_at_ms<\?\)$/.test(l)), label);
    assert.ok(lines.includes('SEARCH t USING INDEX denied_last_seen (last_seen_ms>? AND last_seen_ms<?)'), label);
    if (f.user) assert.ok(lines.includes('SEARCH sessions USING COVERING INDEX sessions_user_created (user_name=?)'), label);
    if (f.deviceId) assert.ok(lines.includes('SEARCH sessions USING COVERING INDEX sessions_device_created (device_id=?)'), label);
    for (const line of lines) assert.doesNotMatch(line, /^SCAN (t|s|sessions|flows|denied_attempts)\b/, label);
    assert.ok([...plan(db, sql.flows), ...plan(db, sql.denied)].every((l) => !l.includes('TEMP B-TREE')), label);
    assert.deepEqual(plan(db, sql.histogram).filter((l) => l.includes('TEMP B-TREE')), ['USE TEMP B-TREE FOR ORDER BY'], 'only the buckets are sorted');
  }
}));

test('HTTP requests are stored with their batch (once per gateway and seq), every field kept, newest first', () => withStore(async (t) => {
  // 230 rows: statements of 128, 64, 32, 4 and 2 rows.
  const requests = Array.from({ length: 230 }, (_, i) => request(1000 + i, { path: `/docs/${i}`, status: 200 + (i % 3), bytesIn: i, bytesOut: i * 2,
    durationUs: i * 10, tunnel: i % 2 === 0, deniedReason: i % 5 ? '' : 'method POST is not allowed' }));
  const first = await t.ingest('dc1', batch(1, { httpRequests: requests }), 100);
  assert.equal(first.records, 230);
  assert.equal((await t.ingest('dc1', batch(1, { httpRequests: requests }), 200)).stored, false);
  assert.equal((await t.counts()).http, 230);
  const stored = await t.httpRequests({ limit: 1000 });
  assert.deepEqual(stored.map(({ gateway: _g, ...r }) => r), [...requests].reverse());
  assert.ok(stored.every((r) => r.gateway === 'dc1'));
}));

test('a request of a session is attributed to the session\'s user and device, whatever the gateway wrote; one without a session keeps its own', () => withStore(async (t, db) => {
  addBob(db);
  await t.ingest('dc1', batch(1, { httpRequests: [
    request(10, { sessionId: 's2', username: 'alice', deviceId: 'dev1' }),
    request(20, { sessionId: '', username: 'carol', deviceId: '', tunnel: false }),
    request(30, { sessionId: 'gone', username: 'dave', deviceId: 'dev9' }),
  ] }), 100);
  assert.deepEqual((await t.httpRequests({ limit: 10 })).map((r) => [r.startedAtMs, r.sessionId, r.username, r.deviceId]),
    [[30, 'gone', 'dave', 'dev9'], [20, '', 'carol', ''], [10, 's2', 'bob', 'dev2']]);
}));

test('HTTP requests filter by session, user, device and time, and page by offset', () => withStore(async (t, db) => {
  addBob(db);
  const bob = (started: number) => request(started, { sessionId: 's2' });
  await t.ingest('dc1', batch(1, { httpRequests: [request(10), bob(15), request(20), bob(25), request(30), request(35, { sessionId: '', username: 'alice', deviceId: '', tunnel: false })] }), 100);
  const started = async (f: Parameters<TelemetryStore['httpRequests']>[0]) => (await t.httpRequests(f)).map((r) => r.startedAtMs);
  assert.deepEqual(await started({ limit: 10, user: 'alice' }), [35, 30, 20, 10], 'her browser without the tunnel too');
  assert.deepEqual(await started({ limit: 10, sessionId: 's1' }), [30, 20, 10]);
  assert.deepEqual(await started({ limit: 10, deviceId: 'dev2' }), [25, 15]);
  assert.deepEqual(await started({ limit: 10, user: 'alice', deviceId: 'dev2' }), []);
  assert.deepEqual(await started({ limit: 2, offset: 1 }), [30, 25]);
  assert.deepEqual(await started({ limit: 10, offset: 1, user: 'alice', sinceMs: 15 }), [30, 20]);
}));

test('retention deletes old HTTP requests by age, then keeps only the newest rows', () => withStore(async (t) => {
  await t.ingest('dc1', batch(1, { httpRequests: [request(10), request(20), request(30_000), request(40_000), request(50_000)] }), 100);
  await t.prune({ maxAgeMs: 30_000, maxRows: 100 }, 50_000);
  assert.deepEqual((await t.httpRequests({ limit: 10 })).map((r) => r.startedAtMs), [50_000, 40_000, 30_000]);
  await t.prune({ maxAgeMs: 1e9, maxRows: 2 }, 50_000);
  assert.deepEqual((await t.httpRequests({ limit: 10 })).map((r) => r.startedAtMs), [50_000, 40_000]);
}));

test('a denied HTTP request names a hostname as its destination: stored, counted and listed like any denied attempt', () => withStore(async (t) => {
  const hostname = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example`;
  const attempt = { sessionId: 's1', source: '100.64.0.2', destination: hostname, protocol: 'http', port: 80, count: 3, firstSeenMs: 1000, lastSeenMs: 1200 };
  const r = await t.ingest('dc1', batch(1, { denied: [attempt] }), 100);
  assert.deepEqual(r.denied, [{ sessionId: 's1', attempts: 3, atMs: 1200 }]);
  assert.deepEqual((await t.denied({ limit: 10, user: 'alice' })).map((d) => [d.destination, d.protocol, d.port, d.count]), [[hostname, 'http', 80, 3]]);
}));

test('every HTTP request filter walks the time index newest first: no table scan, no sort', () => withStore(async (_t, db, kysely) => {
  for (const f of [{}, { sessionId: 's1' }, { user: 'alice' }, { deviceId: 'dev1' }, { user: 'alice', deviceId: 'dev1', sessionId: 's1' }]) {
    const lines = plan(db, queriesOf(kysely, f).http);
    const label = `${JSON.stringify(f)}: ${lines.join('; ')}`;
    assert.deepEqual(lines, ['SEARCH t USING INDEX http_requests_started (started_at_ms>?)'], label);
  }
}));
