// The transaction helper's promises: after-commit hooks run once the change is durable, in
// order, and a hook that throws neither undoes nor fails the committed transaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';

test('after-commit hooks run after the commit, in order; a throwing hook is reported and the rest still run', async () => {
  const { store, close } = await openTestStore();
  try {
    const ran: string[] = [];
    const reported: unknown[] = [];
    store.onHookError = (err) => reported.push(err);
    const result = await store.transaction(async (tx) => {
      await tx.settings.set('k', 'v');
      tx.afterCommit(() => ran.push('first'));
      tx.afterCommit(() => { throw new Error('sink full'); });
      tx.afterCommit(() => ran.push('third'));
      assert.deepEqual(ran, [], 'no hook runs before the commit');
      return 42;
    });
    assert.equal(result, 42);
    assert.deepEqual(ran, ['first', 'third']);
    assert.equal(reported.length, 1);
    assert.match((reported[0] as Error).message, /sink full/);
    assert.equal(await store.settings.getText('k'), 'v', 'the change is committed');
  } finally {
    await close();
  }
});

test('a transaction that throws rolls back and runs none of its hooks', async () => {
  const { store, close } = await openTestStore();
  try {
    let ran = false;
    await assert.rejects(store.transaction(async (tx) => {
      await tx.settings.set('k', 'v');
      tx.afterCommit(() => { ran = true; });
      throw new Error('refused');
    }), /refused/);
    assert.equal(ran, false);
    assert.equal(await store.settings.getText('k'), undefined);
  } finally {
    await close();
  }
});
