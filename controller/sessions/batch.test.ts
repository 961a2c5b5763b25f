// MicroBatch: what arrives in one event-loop turn is flushed once, in order; later items
// start a new batch, which waits while one is in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { MicroBatch } from './batch.js';

test('items added in one turn are flushed together, in arrival order', async () => {
  const flushed: number[][] = [];
  const batch = new MicroBatch<number>((items) => {
    flushed.push(items);
  });
  batch.add(1);
  batch.add(2);
  batch.add(3);
  assert.deepEqual(flushed, [], 'nothing is flushed before the turn ends');
  await nextTurn();
  assert.deepEqual(flushed, [[1, 2, 3]]);
  batch.add(4);
  await nextTurn();
  assert.deepEqual(flushed, [[1, 2, 3], [4]]);
});

test('an item added while a batch is being flushed goes to the next batch', async () => {
  const scheduled: (() => void)[] = [];
  const flushed: string[][] = [];
  const batch: MicroBatch<string> = new MicroBatch<string>((items) => {
    flushed.push(items);
    if (items.includes('a')) batch.add('late');
  }, (run) => scheduled.push(run));
  batch.add('a');
  batch.add('b');
  assert.equal(scheduled.length, 1, 'one flush is scheduled per batch');
  scheduled.shift()!();
  await nextTurn();
  assert.deepEqual(flushed, [['a', 'b']]);
  assert.equal(scheduled.length, 1, 'the late item scheduled its own flush');
  scheduled.shift()!();
  await nextTurn();
  assert.deepEqual(flushed, [['a', 'b'], ['late']]);
});

test('while a batch is in flight, what arrives waits and leaves as one batch when it is done', async () => {
  const flushed: number[][] = [];
  let finish!: () => void;
  const batch = new MicroBatch<number>((items) => {
    flushed.push(items);
    if (items.includes(1)) return new Promise<void>((resolve) => { finish = resolve; });
  });
  batch.add(1);
  await nextTurn();
  batch.add(2);
  await nextTurn();
  batch.add(3);
  await nextTurn();
  assert.deepEqual(flushed, [[1]], 'nothing else leaves while the first batch is in flight');
  finish();
  await nextTurn();
  await nextTurn();
  assert.deepEqual(flushed, [[1], [2, 3]]);
});
