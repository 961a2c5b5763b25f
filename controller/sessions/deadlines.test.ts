// The session deadlines (deadlines.ts): one timer for all of them, each session fired once at
// its latest armed deadline, in deadline order; disarmed or cleared ones never fire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadlines } from './deadlines.js';

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `ready`; the deadline only keeps a broken test from hanging. */
async function until(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(2);
  }
}

test('deadlines fire in order, once each, at the latest arming; disarmed ones never', async () => {
  const fired: string[] = [];
  const deadlines = new Deadlines((id) => fired.push(id));
  deadlines.arm('c', 30, 0);
  deadlines.arm('a', 10, 0);
  deadlines.arm('b', 20, 0);
  deadlines.arm('moved', 5, 0);
  deadlines.arm('moved', 40, 0);
  deadlines.arm('gone', 15, 0);
  deadlines.disarm('gone');
  assert.equal(deadlines.has('gone'), false);
  assert.equal(deadlines.has('a'), true);
  await until(() => fired.length >= 4, 'the deadlines');
  await settle(20);
  assert.deepEqual(fired, ['a', 'b', 'c', 'moved']);
  assert.equal(deadlines.has('a'), false, 'a fired deadline is forgotten');
});

test('a deadline armed by a firing one, and many re-armings, are kept', async () => {
  const fired: string[] = [];
  const deadlines: Deadlines = new Deadlines((id) => {
    fired.push(id);
    if (id === 'first') deadlines.arm('then', 5, 0);
  });
  // Re-armed far more often than there are sessions: the heap is rebuilt on the way.
  for (let i = 0; i < 5000; i++) deadlines.arm('busy', 60_000 + i, 0);
  deadlines.arm('first', 0, 0);
  await until(() => fired.length >= 2, 'the deadlines');
  assert.deepEqual(fired, ['first', 'then']);
  assert.equal(deadlines.has('busy'), true);
  deadlines.clear();
  assert.equal(deadlines.has('busy'), false);
});

test('cleared deadlines never fire', async () => {
  const fired: string[] = [];
  const deadlines = new Deadlines((id) => fired.push(id));
  deadlines.arm('a', 5, 0);
  deadlines.clear();
  await settle(50);
  assert.deepEqual(fired, []);
});
