// Unit tests of the session listing on SQLite: filters, total, newest-first order, pages past
// the end, and the query plans that keep a page an index walk (012_console_indexes.sql).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database as SqliteHandle } from 'better-sqlite3';
import { openTestStore } from '../../test/support/store.js';
import type { Executor } from '../store/store.js';
import { SessionStore, listingQueries, type SessionQuery } from './session-store.js';

const DEV_A = 'a'.repeat(32);
const DEV_B = 'b'.repeat(32);

async function withStore(fn: (s: SessionStore, db: Executor, sqlite: SqliteHandle | undefined) => Promise<void>) {
  const { store, database, close } = await openTestStore();
  try {
    for (const name of ['alice', 'bob']) await database.kysely.insertInto('users').values({ name, totp_sealed: Buffer.alloc(1), created_at_ms: 1 }).execute();
    await fn(store.sessions, database.kysely, database.sqlite);
  } finally {
    await close();
  }
}

let n = 0;
async function add(s: SessionStore, id: string, user: string, deviceId: string, createdAtMs: number): Promise<void> {
  n++;
  await s.insert({ id, user, deviceId, certSerial: `c${n}`, overlayAddress: `100.64.${n >> 8}.${n & 255}`, wgPublicKey: `k${n}`, posture: {} as never,
    mfa: true, createdAtMs, expiresAtMs: 9e12, entitlements: [], lastHeartbeatMs: createdAtMs });
}

/** alice: a1 (dev A, t=10), a2 (dev B, t=30, ended), a3 (dev A, t=20); bob: b1 (dev B, t=20); gateway dc1 serves a1 and b1. */
async function fixture(s: SessionStore): Promise<void> {
  await add(s, 'a1', 'alice', DEV_A, 10);
  await add(s, 'a2', 'alice', DEV_B, 30);
  await add(s, 'a3', 'alice', DEV_A, 20);
  await add(s, 'b1', 'bob', DEV_B, 20);
  await s.end('a2', 'revoked', 'test', 40);
  await s.addGateway('a1', 'dc1', Buffer.alloc(1));
  await s.addGateway('b1', 'dc1', Buffer.alloc(1));
  await s.addGateway('a3', 'dc2', Buffer.alloc(1));
}

const ids = async (s: SessionStore, q: SessionQuery) => {
  const page = await s.list(q);
  return [page.sessions.map((x) => x.id), page.total];
};

test('live sessions are listed newest first, ties by id descending, with their total', () => withStore(async (s) => {
  await fixture(s);
  assert.deepEqual(await ids(s, {}), [['b1', 'a3', 'a1'], 3]);
  assert.deepEqual(await ids(s, { all: true }), [['a2', 'b1', 'a3', 'a1'], 4]);
}));

test('each filter narrows the list and the total; filters combine', () => withStore(async (s) => {
  await fixture(s);
  assert.deepEqual(await ids(s, { user: 'alice' }), [['a3', 'a1'], 2]);
  assert.deepEqual(await ids(s, { user: 'alice', all: true }), [['a2', 'a3', 'a1'], 3]);
  assert.deepEqual(await ids(s, { deviceId: DEV_B }), [['b1'], 1]);
  assert.deepEqual(await ids(s, { deviceId: DEV_B, all: true }), [['a2', 'b1'], 2]);
  assert.deepEqual(await ids(s, { gateway: 'dc1' }), [['b1', 'a1'], 2]);
  assert.deepEqual(await ids(s, { gateway: 'dc1', user: 'alice' }), [['a1'], 1]);
  assert.deepEqual(await ids(s, { user: 'alice', deviceId: DEV_B }), [[], 0]);
  assert.deepEqual(await ids(s, { user: 'carol' }), [[], 0]);
}));

test('a session asked for by id is returned whatever its state, and only it', () => withStore(async (s) => {
  await fixture(s);
  assert.deepEqual(await ids(s, { id: 'a2' }), [['a2'], 1]);
  assert.equal((await s.list({ id: 'a2' })).sessions[0]!.state, 'revoked');
  assert.deepEqual(await ids(s, { id: 'a2', user: 'bob' }), [[], 0]);
  assert.deepEqual(await ids(s, { id: 'nope' }), [[], 0]);
}));

test('limit and offset page through the same order; the total ignores them; a page past the end is empty', () => withStore(async (s) => {
  for (let i = 0; i < 25; i++) await add(s, `s${String(i).padStart(2, '0')}`, 'alice', DEV_A, 1000 + Math.floor(i / 2));
  const all = (await s.list({})).sessions.map((x) => x.id);
  assert.equal(all.length, 25);
  const pages: string[] = [];
  for (let offset = 0; offset < 25; offset += 10) {
    const page = await s.list({ user: 'alice', limit: 10, offset });
    assert.equal(page.total, 25);
    pages.push(...page.sessions.map((x) => x.id));
  }
  assert.deepEqual(pages, all);
  assert.deepEqual(await ids(s, { limit: 10, offset: 25 }), [[], 25]);
  assert.deepEqual(await ids(s, { limit: 10, offset: 1000 }), [[], 25]);
}));

/** The query plan's lines (EXPLAIN QUERY PLAN) for a listing's compiled statement. */
function plan(sqlite: SqliteHandle, query: { compile(): { sql: string; parameters: readonly unknown[] } }): string[] {
  const { sql, parameters } = query.compile();
  return sqlite.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters).map((r) => r.detail);
}

test('every filter combination pages by walking the index made for it: no table scan, no sort', (t) => withStore(async (_s, db, sqlite) => {
  // The plans are SQLite's; PostgreSQL plans by its statistics.
  if (!sqlite) {
    t.skip('SQLite query plans');
    return;
  }
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
  for (const [q0, first] of cases) {
    const q: SessionQuery = { ...q0, limit: 50, offset: 5000 };
    const sql = listingQueries(db, q);
    const page = plan(sqlite, sql.page);
    assert.equal(page[0], first, JSON.stringify(q0));
    // The gateway filter is one primary-key probe per session walked.
    assert.deepEqual(page.slice(1), q.gateway ? ['CORRELATED SCALAR SUBQUERY 1', 'SEARCH g USING PRIMARY KEY (session_id=? AND gateway=?)'] : [], JSON.stringify(q0));
    // The total counts index entries only, except that a gateway's sessions are checked one by one.
    const count = plan(sqlite, sql.count);
    assert.match(count[0]!, /USING COVERING INDEX/, JSON.stringify(q0));
    assert.ok(count.every((line) => !/^SCAN (s|sessions|g)$|TEMP B-TREE/.test(line)), `${JSON.stringify(q0)}: ${count.join('; ')}`);
  }
}));

test('a batch\'s reads: live keys, addresses and counts per user and device leave ended sessions out', () => withStore(async (s) => {
  await fixture(s);
  const all = (await s.list({ all: true })).sessions;
  const of = (id: string) => all.find((x) => x.id === id)!;
  const [a1, a2, b1] = [of('a1'), of('a2'), of('b1')];
  assert.deepEqual([...await s.liveKeysAmong([a1.wgPublicKey, a2.wgPublicKey, 'unknown'])], [a1.wgPublicKey]);
  assert.deepEqual([...await s.liveAddressesAmong([b1.overlayAddress, a2.overlayAddress])], [b1.overlayAddress]);
  const counts = await s.activeCountsOf(['alice', 'bob', 'carol'], [DEV_A, DEV_B]);
  assert.deepEqual([...counts.users].sort(), [['alice', 2], ['bob', 1]]);
  assert.deepEqual([...counts.devices].sort(), [[DEV_A, 2], [DEV_B, 1]]);
}));
