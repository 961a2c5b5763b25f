// The user repository over the store: groups, the admins' view with the latest source lock,
// and the TOTP replay guard beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore } from '../../test/support/store.js';

const user = (name: string) => ({ name, passwordHash: null, totpSealed: Buffer.from('x'), admin: false, createdAtMs: 1 });

test('users list with their groups sorted and the latest lock of any source; a taken name is refused', async () => {
  const { store, close } = await openTestStore();
  try {
    assert.equal(await store.transaction((tx) => tx.users.add(user('bob'), ['ops', 'eng', 'eng'])), true);
    assert.equal(await store.transaction((tx) => tx.users.add(user('alice'), [])), true);
    assert.equal(await store.transaction((tx) => tx.users.add(user('bob'), [])), false);
    await store.transaction((tx) => tx.logins.saveSourceLockState('bob', '192.0.2.1', { failures: 5, lastFailureMs: 10, lockedUntilMs: 500 }, 0));
    await store.transaction((tx) => tx.logins.saveSourceLockState('bob', '192.0.2.2', { failures: 5, lastFailureMs: 10, lockedUntilMs: 900 }, 0));
    const list = await store.users.list();
    assert.deepEqual(list.map((u) => [u.name, u.groups, u.lockedUntilMs]), [['alice', [], 0], ['bob', ['eng', 'ops'], 900]]);
    assert.deepEqual((await store.users.view('bob'))?.groups, ['eng', 'ops']);
    assert.equal(await store.users.view('nobody'), undefined);
    assert.equal(await store.transaction((tx) => tx.users.setGroups('bob', ['x'])), true);
    assert.deepEqual(await store.users.groupsOf('bob'), ['x']);
    assert.equal(await store.transaction((tx) => tx.users.setGroups('nobody', ['x'])), false);
    assert.equal(await store.users.setDisabled('alice', true), true);
    assert.equal((await store.users.get('alice'))?.disabled, true);
  } finally {
    await close();
  }
});

test('a TOTP step is accepted once, and never after a later one', async () => {
  const { store, close } = await openTestStore();
  try {
    await store.transaction((tx) => tx.users.add(user('bob'), []));
    assert.equal(await store.transaction((tx) => tx.logins.useTotpStep('bob', 100)), true);
    assert.equal(await store.transaction((tx) => tx.logins.useTotpStep('bob', 100)), false);
    assert.equal(await store.transaction((tx) => tx.logins.useTotpStep('bob', 99)), false);
    assert.equal(await store.transaction((tx) => tx.logins.useTotpStep('bob', 101)), true);
  } finally {
    await close();
  }
});

test('policy versions are numbered by the database; settings round-trip bytes and text', async () => {
  const { store, close } = await openTestStore();
  try {
    assert.equal(await store.policies.add({ yaml: 'a', sha256: 'h1', author: 'x', appliedAtMs: 1 }), 1);
    assert.equal(await store.policies.add({ yaml: 'b', sha256: 'h2', author: 'x', appliedAtMs: 2 }), 2);
    assert.equal((await store.policies.current())?.yaml, 'b');
    assert.deepEqual((await store.policies.history()).map((p) => [p.version, p.yaml]), [[2, ''], [1, '']]);
    await store.settings.set('k', 'text');
    await store.settings.set('k', Buffer.from([1, 2]));
    assert.deepEqual(await store.settings.get('k'), Buffer.from([1, 2]));
    assert.equal(await store.settings.getText('missing'), undefined);
  } finally {
    await close();
  }
});
