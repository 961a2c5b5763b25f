// Tests for one-shot calls over a controller list: only an unreached controller is passed
// over, rounds are bounded, and the waits come from the failover schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callWithFailover, NoControllerReachable } from './failover-call.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

test('an unreachable controller is passed over without a wait inside the round', async () => {
  const tried: string[] = [];
  const waits: number[] = [];
  const r = await callWithFailover(['a:1', 'b:2'], async (e) => {
    tried.push(e);
    if (e === 'a:1') throw refused();
    return 'ok';
  }, { wait: async (ms) => { waits.push(ms); } });
  assert.deepEqual([r, tried, waits], [{ result: 'ok', index: 1 }, ['a:1', 'b:2'], []]);
});

test('a call that reached its controller and failed is never repeated', async () => {
  const tried: string[] = [];
  await assert.rejects(callWithFailover(['a:1', 'b:2'], async (e) => {
    tried.push(e);
    throw new Error('PERMISSION_DENIED');
  }), /PERMISSION_DENIED/);
  assert.deepEqual(tried, ['a:1']);
});

test('after two rounds every controller is named; a wait separates the rounds', async () => {
  const tried: string[] = [];
  const waits: number[] = [];
  const err = await callWithFailover(['a:1', 'b:2'], async (e) => { tried.push(e); throw refused(); },
    { start: 1, random: () => 0.5, wait: async (ms) => { waits.push(ms); } }).catch((e: unknown) => e);
  assert.ok(err instanceof NoControllerReachable);
  assert.match(err.message, /no controller could be reached: b:2 \(connect ECONNREFUSED\); a:1 \(connect ECONNREFUSED\)/);
  assert.deepEqual([tried, waits], [['b:2', 'a:1', 'b:2', 'a:1'], [125]]);
});

test('a single controller fails fast with its own error', async () => {
  let n = 0;
  await assert.rejects(callWithFailover(['a:1'], async () => { n++; throw refused(); }), /ECONNREFUSED/);
  assert.equal(n, 1);
});
