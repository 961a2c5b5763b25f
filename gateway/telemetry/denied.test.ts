// Unit tests of denied-attempt tracking: first/last seen kept across reads of the kernel's
// cumulative counters, only moved tuples reported, element re-creation handled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeniedTracker } from './denied.js';

const tuple = (port: number, packets: number) => ({ overlay: '100.64.0.2', destination: '10.0.2.10', protocol: 'tcp', port, packets, bytes: packets * 60 });
const sessionOf = (a: string) => (a === '100.64.0.2' ? 'sess-a' : undefined);

test('first seen stays, last seen and count follow the counter; unchanged tuples are not reported', () => {
  const t = new DeniedTracker(sessionOf);
  const [a] = t.update([tuple(5432, 1)], 1000);
  assert.deepEqual(a, { sessionId: 'sess-a', source: '100.64.0.2', destination: '10.0.2.10', protocol: 'tcp', port: 5432, count: 1, firstSeenMs: 1000, lastSeenMs: 1000 });
  assert.deepEqual(t.update([tuple(5432, 1)], 2000), []);
  const [b] = t.update([tuple(5432, 3)], 3000);
  assert.equal(b.count, 3);
  assert.equal(b.firstSeenMs, 1000);
  assert.equal(b.lastSeenMs, 3000);
});

test('an element that timed out and came back keeps counting from where it was', () => {
  const t = new DeniedTracker(sessionOf);
  t.update([tuple(22, 4)], 1000);
  t.update([], 2000);
  const [r] = t.update([tuple(22, 2)], 3000);
  assert.equal(r.count, 6);
  assert.equal(r.firstSeenMs, 1000);
});

test('a tuple quiet for longer than the forget window starts over with a new first seen', () => {
  const t = new DeniedTracker(sessionOf, 10_000);
  t.update([tuple(22, 1)], 1000);
  t.update([], 20_000);
  assert.equal(t.size, 0);
  const [r] = t.update([tuple(22, 1)], 30_000);
  assert.equal(r.firstSeenMs, 30_000);
  assert.equal(r.count, 1);
});

test('unknown sources are reported with an empty session id', () => {
  const t = new DeniedTracker(sessionOf);
  const [r] = t.update([{ ...tuple(80, 1), overlay: '100.64.9.9' }], 1);
  assert.equal(r.sessionId, '');
  assert.equal(r.source, '100.64.9.9');
});
