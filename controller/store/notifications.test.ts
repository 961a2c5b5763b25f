// Notifications on each store: delivered once the transaction commits and never when it rolls
// back; on PostgreSQL to another controller's connection too, and after the listening
// connection is killed, the gap handlers run once it listens again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openTestStore } from '../../test/support/store.js';
import { MAX_PAYLOAD_BYTES, type Notifier } from './notifications.js';

/** Resolves with the next `count` payloads on the gateway-change channel of `notifier`. */
function next(notifier: Notifier, count = 1): Promise<string[]> {
  return new Promise((resolve) => {
    const got: string[] = [];
    const stop = notifier.listen('wicket_gateway_change', (payload) => {
      got.push(payload);
      if (got.length === count) {
        stop();
        resolve(got);
      }
    });
  });
}

test('a notification arrives after its commit, in order, and never for a rollback', async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await database.notifier.start();
  const heard: string[] = [];
  database.notifier.listen('wicket_gateway_change', (p) => heard.push(p));
  const arrived = next(database.notifier, 2);
  await assert.rejects(store.transaction(async (tx) => {
    await database.notifier.notify(tx, 'wicket_gateway_change', 'gw rolled-back');
    throw new Error('abort');
  }), /abort/);
  await store.transaction(async (tx) => {
    await database.notifier.notify(tx, 'wicket_gateway_change', 'gw 1');
    assert.deepEqual(heard, [], 'nothing is delivered before the commit');
  });
  await store.transaction((tx) => database.notifier.notify(tx, 'wicket_gateway_change', 'gw 2'));
  assert.deepEqual(await arrived, ['gw 1', 'gw 2']);
  assert.deepEqual(heard, ['gw 1', 'gw 2']);
});

test('a payload past the limit is refused, not truncated', async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await assert.rejects(store.transaction((tx) => database.notifier.notify(tx, 'wicket_session_change', 'x'.repeat(MAX_PAYLOAD_BYTES + 1))), /payload of 7901 bytes/);
});

test('a handler that throws is reported and the others still run', async (t) => {
  const { store, database, close } = await openTestStore();
  t.after(close);
  await database.notifier.start();
  const reported: unknown[] = [];
  database.notifier.reportErrorsTo((err) => reported.push(err));
  database.notifier.listen('wicket_gateway_change', () => {
    throw new Error('handler bug');
  });
  const arrived = next(database.notifier);
  await store.transaction((tx) => database.notifier.notify(tx, 'wicket_gateway_change', 'gw 1'));
  assert.deepEqual(await arrived, ['gw 1']);
  assert.match(String(reported[0]), /handler bug/);
});

test('on PostgreSQL another controller hears it, and a killed listening connection comes back with a gap', async (t) => {
  const { store, database, openSecond, close } = await openTestStore();
  t.after(close);
  if (!openSecond) return t.skip('SQLite has one controller');
  const second = await openSecond();
  await second.notifier.start();
  const reported: unknown[] = [];
  second.notifier.reportErrorsTo((err) => reported.push(err));
  const arrived = next(second.notifier);
  await store.transaction((tx) => database.notifier.notify(tx, 'wicket_gateway_change', 'gw 7'));
  assert.deepEqual(await arrived, ['gw 7']);

  const gap = new Promise<void>((resolve) => second.notifier.onGap(resolve));
  const killed = await sql<{ n: number }>`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN %' AND datname = current_database() AND pid <> pg_backend_pid()`.execute(store.db);
  assert.equal(killed.rows[0]!.n, 1, 'the listening connection was found and killed');
  await gap;
  const again = next(second.notifier);
  await store.transaction((tx) => database.notifier.notify(tx, 'wicket_gateway_change', 'gw 8'));
  assert.deepEqual(await again, ['gw 8']);
  assert.ok(reported.length >= 1, 'the lost connection was reported');
});
