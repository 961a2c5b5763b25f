// The gateways' change log: versions per gateway contiguous and shared with desired_version,
// nothing logged for a gateway that is not enrolled, reads in version order, pruning by
// version and age.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const { store, close } = await openTestStore();
  t.after(close);
  await store.gateways.enroll('dc1', 'serial', 0, '', '');
  await store.gateways.enroll('dc2', 'serial2', 0, '', '');
  return store;
}

test('append gives each gateway its next version, contiguous per gateway, and bumps desired_version', async (t) => {
  const store = await setup(t);
  const log = store.changeLog;
  const versions = await store.transaction(async (tx) => [
    await tx.changeLog.append('dc1', { upserts: ['a'], removes: [], config: false }, 10),
    await tx.changeLog.append('dc2', { upserts: [], removes: ['b'], config: false }, 10),
    await tx.changeLog.append('dc1', { upserts: [], removes: [], config: true }, 11),
  ]);
  assert.deepEqual(versions, [1, 1, 2]);
  assert.equal((await store.gateways.get('dc1'))!.desiredVersion, 2);
  assert.deepEqual(await log.since('dc1', 0, 10), [
    { version: 1, upserts: ['a'], removes: [], config: false, createdAtMs: 10 },
    { version: 2, upserts: [], removes: [], config: true, createdAtMs: 11 },
  ]);
  assert.deepEqual((await log.since('dc1', 1, 10)).map((r) => r.version), [2]);
  assert.deepEqual((await log.since('dc2', 0, 10)).map((r) => r.removes), [['b']]);
});

test('a gateway that is not enrolled gets no version and no row', async (t) => {
  const store = await setup(t);
  assert.equal(await store.transaction((tx) => tx.changeLog.append('nowhere', { upserts: ['a'], removes: [], config: false }, 0)), undefined);
  assert.deepEqual(await store.changeLog.since('nowhere', 0, 10), []);
  assert.equal(await store.changeLog.oldest('nowhere'), undefined);
});

test('since pages in version order; prune removes versions below a bound written before a time', async (t) => {
  const store = await setup(t);
  const log = store.changeLog;
  for (let i = 1; i <= 12; i++) await store.transaction((tx) => tx.changeLog.append('dc1', { upserts: [`s${i}`], removes: [], config: false }, i * 100));
  assert.deepEqual((await log.since('dc1', 3, 4)).map((r) => r.version), [4, 5, 6, 7]);
  // Versions 10 and 11 sort after 9 as numbers, not as text.
  assert.deepEqual((await log.since('dc1', 8, 10)).map((r) => r.version), [9, 10, 11, 12]);
  assert.equal(await log.oldest('dc1'), 1);
  assert.equal(await log.prune('dc1', 6, 300), 2, 'below 6 and written before 300: versions 1 and 2');
  assert.equal(await log.oldest('dc1'), 3);
  assert.equal(await log.prune('dc1', 6), 3);
  assert.equal(await log.oldest('dc1'), 6);
  assert.equal(await log.prune('dc2', 100), 0, 'another gateway\'s log is its own');
});
