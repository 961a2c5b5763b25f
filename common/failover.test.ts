// Tests for the failover schedule: the order of controllers and the waits between rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailoverSchedule, type FailoverStep } from './failover.js';

/** Runs `events` ('f' failed, 's' succeeded) and returns the steps the failures produced. */
function run(count: number, events: string, random = () => 0.999, start = 0): FailoverStep[] {
  const s = new FailoverSchedule(count, { random, start, backoff: { baseMs: 250, capMs: 10_000 } });
  const steps: FailoverStep[] = [];
  for (const e of events) {
    if (e === 's') s.succeeded();
    else steps.push(s.failed());
  }
  return steps;
}

const table: Array<{ name: string; count: number; events: string; start?: number; want: Array<[number, number]> }> = [
  { name: 'one controller: every failure is a round, the ceiling doubles to the cap', count: 1, events: 'ffffffff',
    want: [[0, 249], [0, 499], [0, 999], [0, 1998], [0, 3996], [0, 7992], [0, 9990], [0, 9990]] },
  { name: 'three controllers: immediate moves within a round, a wait when it completes', count: 3, events: 'ffffff',
    want: [[1, 0], [2, 0], [0, 249], [1, 0], [2, 0], [0, 499]] },
  { name: 'a success keeps the controller and resets the backoff', count: 2, events: 'ffffsff',
    want: [[1, 0], [0, 249], [1, 0], [0, 499], [1, 0], [0, 249]] },
  { name: 'a long-lived stream starts from the one that last worked', count: 3, events: 'fsfff', start: 0,
    want: [[1, 0], [2, 0], [0, 0], [1, 249]] },
  { name: 'start elsewhere in the list', count: 3, events: 'fff', start: 2, want: [[0, 0], [1, 0], [2, 249]] },
];
for (const c of table) {
  test(c.name, () => {
    assert.deepEqual(run(c.count, c.events, () => 0.999, c.start).map((s) => [s.index, s.delayMs]), c.want);
  });
}

test('full jitter: the wait lies anywhere in [0, ceiling)', () => {
  assert.deepEqual(run(1, 'fff', () => 0).map((s) => s.delayMs), [0, 0, 0]);
  assert.deepEqual(run(1, 'fff', () => 0.5).map((s) => s.delayMs), [125, 250, 500]);
});

test('jitter spreads callers failing in the same round', () => {
  const delays = new Set(Array.from({ length: 50 }, () => new FailoverSchedule(1).failed().delayMs));
  assert.ok(delays.size > 10, `expected varied delays, got ${[...delays].join(',')}`);
});

test('refuses an empty list or a start outside it', () => {
  assert.throws(() => new FailoverSchedule(0), /at least one controller/);
  assert.throws(() => new FailoverSchedule(2, { start: 2 }), /not a controller of 2/);
});
