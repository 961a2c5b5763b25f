// Unit tests of the session listing on a real SQLite file: filters, total, newest-first order,
// pages past the end, and the query plans that keep a page an index walk (012_console_indexes.sql).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DB } from '../store/db.js';
import { SessionStore, listingSql, type SessionQuery } from './session-store.js';

const DEV_A = 'a'.repeat(32);
const DEV_B = 'b'.repeat(32);

function withStore(fn: (s: SessionStore, db: DB) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-sessions-'));
  const db = openDatabase(join(dir, 's.db'));
  try {
    for (const name of ['alice', 'bob']) db.prepare("INSERT INTO users (name, totp_sealed, created_at_ms) VALUES (?, x'00', 1)").run(name);
    fn(new SessionStore(db), db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

let n = 0;
function add(s: SessionStore, id: string, user: string, deviceId: string, createdAtMs: number): void {
  n++;
  s.insert({ id, user, deviceId, certSerial: `c${n}`, overlayAddress: `100.64.${n >> 8}.${n & 255}`, wgPublicKey: `k${n}`, posture: {} as never,
    mfa: true, createdAtMs, expiresAtMs: 9e12, entitlements: [], lastHeartbeatMs: createdAtMs });
}

/** alice: a1 (dev A, t=10), a2 (dev B, t=30, ended), a3 (dev A, t=20); bob: b1 (dev B, t=20); gateway dc1 serves a1 and b1. */
function fixture(s: SessionStore): void {
  add(s, 'a1', 'alice', DEV_A, 10);
  add(s, 'a2', 'alice', DEV_B, 30);
  add(s, 'a3', 'alice', DEV_A, 20);
  add(s, 'b1', 'bob', DEV_B, 20);
  s.end('a2', 'revoked', 'test', 40);
  s.addGateway('a1', 'dc1', Buffer.alloc(1));
  s.addGateway('b1', 'dc1', Buffer.alloc(1));
  s.addGateway('a3', 'dc2', Buffer.alloc(1));
}

const ids = (s: SessionStore, q: SessionQuery) => {
  const page = s.list(q);
  return [page.sessions.map((x) => x.id), page.total];
};

test('live sessions are listed newest first, ties by id descending, with their total', () => withStore((s) => {
  fixture(s);
  assert.deepEqual(ids(s, {}), [['b1', 'a3', 'a1'], 3]);
  assert.deepEqual(ids(s, { all: true }), [['a2', 'b1', 'a3', 'a1'], 4]);
}));

test('each filter narrows the list and the total; filters combine', () => withStore((s) => {
  fixture(s);
  assert.deepEqual(ids(s, { user: 'alice' }), [['a3', 'a1'], 2]);
  assert.deepEqual(ids(s, { user: 'alice', all: true }), [['a2', 'a3', 'a1'], 3]);
  assert.deepEqual(ids(s, { deviceId: DEV_B }), [['b1'], 1]);
  assert.deepEqual(ids(s, { deviceId: DEV_B, all: true }), [['a2', 'b1'], 2]);
  assert.deepEqual(ids(s, { gateway: 'dc1' }), [['b1', 'a1'], 2]);
  assert.deepEqual(ids(s, { gateway: 'dc1', user: 'alice' }), [['a1'], 1]);
  assert.deepEqual(ids(s, { user: 'alice', deviceId: DEV_B }), [[], 0]);
  assert.deepEqual(ids(s, { user: 'carol' }), [[], 0]);
}));

test('a session asked for by id is returned whatever its state, and only it', () => withStore((s) => {
  fixture(s);
  assert.deepEqual(ids(s, { id: 'a2' }), [['a2'], 1]);
  assert.equal(s.list({ id: 'a2' }).sessions[0]!.state, 'revoked');
  assert.deepEqual(ids(s, { id: 'a2', user: 'bob' }), [[], 0]);
  assert.deepEqual(ids(s, { id: 'nope' }), [[], 0]);
}));

test('limit and offset page through the same order; the total ignores them; a page past the end is empty', () => withStore((s) => {
  for (let i = 0; i < 25; i++) add(s, `s${String(i).padStart(2, '0')}`, 'alice', DEV_A, 1000 + Math.floor(i / 2));
  const all = s.list({}).sessions.map((x) => x.id);
  assert.equal(all.length, 25);
  const pages: string[] = [];
  for (let offset = 0; offset < 25; offset += 10) {
    const page = s.list({ user: 'alice', limit: 10, offset });
    assert.equal(page.total, 25);
    pages.push(...page.sessions.map((x) => x.id));
  }
  assert.deepEqual(pages, all);
  assert.deepEqual(ids(s, { limit: 10, offset: 25 }), [[], 25]);
  assert.deepEqual(ids(s, { limit: 10, offset: 1000 }), [[], 25]);
}));

/** The query plan's lines (EXPLAIN QUERY PLAN) for a listing's statement. */
function plan(db: DB, sql: string): string[] {
  const params = { user: 'alice', device: DEV_A, gateway: 'dc1', id: 'a1', limit: 50, offset: 5000 };
  return db.prepare<[typeof params], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(params).map((r) => r.detail);
}

test('every filter combination pages by walking the index made for it: no table scan, no sort', () => withStore((_s, db) => {
  const cases: [SessionQuery, string][] = [
    [{}, 'SEARCH s USING INDEX sessions_state_created (state=?)'],
    [{ all: true }, 'SCAN s USING INDEX sessions_created'],
    [{ user: 'alice' }, 'SEARCH s USING INDEX sessions_live_user (user_name=?)'],
    [{ user: 'alice', all: true }, 'SEARCH s USING INDEX sessions_user_created (user_name=?)'],
    [{ deviceId: DEV_A }, 'SEARCH s USING INDEX sessions_live_device (device_id=?)'],
    [{ deviceId: DEV_A, all: true }, 'SEARCH s USING INDEX sessions_device_created (device_id=?)'],
    [{ gateway: 'dc1' }, 'SEARCH s USING INDEX sessions_state_created (state=?)'],
    [{ gateway: 'dc1', user: 'alice' }, 'SEARCH s USING INDEX sessions_live_user (user_name=?)'],
    [{ id: 'a1' }, 'SEARCH s USING INDEX sqlite_autoindex_sessions_1 (id=?)'],
  ];
  for (const [q, first] of cases) {
    const sql = listingSql(q);
    const page = plan(db, sql.page);
    assert.equal(page[0], first, JSON.stringify(q));
    // The gateway filter is one primary-key probe per session walked.
    assert.deepEqual(page.slice(1), q.gateway ? ['CORRELATED SCALAR SUBQUERY 1', 'SEARCH g USING PRIMARY KEY (session_id=? AND gateway=?)'] : [], JSON.stringify(q));
    // The total counts index entries only, except that a gateway's sessions are checked one by one.
    const count = plan(db, sql.count);
    assert.match(count[0]!, /USING COVERING INDEX/, JSON.stringify(q));
    assert.ok(count.every((line) => !/^SCAN (s|sessions|g)$|TEMP B-TREE/.test(line)), `${JSON.stringify(q)}: ${count.join('; ')}`);
  }
}));
