// Approval expiry with several controllers: an approval made on another controller (which
// then died, taking its timer along) still expires here, once, on time give or take the
// re-arm interval, and the requester's sessions are re-evaluated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';
import { createLogger } from '../../common/log.js';
import { Audit } from '../audit/audit.js';
import { AccessManager } from './access.js';

test('an approval made on another controller expires here, once, by the periodic re-arm', async (t) => {
  const { store, close } = await openTestStore();
  t.after(close);
  await store.users.add({ name: 'alice', passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: 0 }, []);
  const audit = await Audit.open(store);
  const reevaluated: string[] = [];
  const manager = new AccessManager({
    store, audit, policy: () => undefined, now: Date.now, rearmMs: 50,
    reevaluateUser: (user) => Promise.resolve(reevaluated.push(user)),
    log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream),
  });
  await manager.start();
  t.after(() => manager.stop());
  // What another controller writes when it approves (its own timer is not ours).
  const now = Date.now();
  await store.access.insert({ id: 'req-1', user: 'alice', grant: 'g', resource: 'r', reason: 'test', durationMs: 300, createdAtMs: now, binding: 'b' });
  assert.ok(await store.access.approve('req-1', 'admin', now, '', now + 300));
  const deadline = Date.now() + 10_000;
  while ((await store.access.get('req-1'))?.state !== 'expired') {
    assert.ok(Date.now() < deadline, 'the approval made elsewhere never expired here');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(reevaluated, ['alice']);
  const records = await audit.list(0, 100, 'access.expire');
  assert.equal(records.length, 1);
});
