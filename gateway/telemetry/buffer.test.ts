// Unit tests of the telemetry buffer (bound, overflow count, ack and resend order) and of
// the persisted sequence numbers (a restart never reuses one), the latter on real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TelemetryBuffer } from './buffer.js';
import { PersistedSeq, SEQ_FILE } from './seq.js';

const counter = () => {
  let n = 0;
  return { next: () => ++n };
};
const flow = (port: number) => ({ sessionId: 's', source: '100.64.0.2', destination: '10.0.1.10', protocol: 'tcp', port, startedAtMs: 1, endedAtMs: 2, bytesOut: 3, bytesIn: 4 });

test('holds at most its capacity across pending and unacked records; the overflow is counted into the next batch', () => {
  const b = new TelemetryBuffer(3, counter());
  assert.equal(b.add('flows', [flow(1), flow(2)]), 2);
  const first = b.cut(10)!;
  assert.equal(first.flows.length, 2);
  assert.equal(first.droppedRecords, 0);
  // One place left while the first batch is unacked.
  assert.equal(b.add('flows', [flow(3), flow(4), flow(5)]), 1);
  assert.equal(b.size, 3);
  const second = b.cut(20)!;
  assert.deepEqual(second.flows.map((f) => f.port), [3]);
  assert.equal(second.droppedRecords, 2);
  assert.equal(b.droppedTotal, 2);
  // Acks free room; the dropped count is reported once.
  b.ack(first.seq);
  assert.equal(b.add('flows', [flow(6), flow(7)]), 2);
  assert.equal(b.cut(30)!.droppedRecords, 0);
});

test('batches are strictly increasing, resent oldest first until acked, and acks drop only what they cover', () => {
  const b = new TelemetryBuffer(100, counter());
  for (const p of [1, 2, 3]) {
    b.add('flows', [flow(p)]);
    b.cut(p);
  }
  assert.deepEqual(b.unacked().map((x) => x.seq), [1, 2, 3]);
  assert.equal(b.ack(2), true);
  assert.deepEqual(b.unacked().map((x) => x.seq), [3]);
  assert.equal(b.ack(2), false, 'a repeated ack changes nothing');
  assert.deepEqual(b.unacked().map((x) => x.flows[0].port), [3]);
});

test('an empty batch is cut only when nothing is outstanding', () => {
  const b = new TelemetryBuffer(10, counter());
  const hello = b.cut(1)!;
  assert.equal(hello.seq, 1);
  assert.equal(b.cut(2), undefined);
  b.ack(1);
  assert.equal(b.cut(3)!.seq, 2);
});

test('a batch carries at most maxBatchRecords; the rest waits for the next cut', () => {
  const b = new TelemetryBuffer(100, counter(), 2);
  b.add('peers', [{ sessionId: 's', endpoint: '', lastHandshakeMs: 0, rxBytes: 0, txBytes: 0 }]);
  b.add('flows', [flow(1), flow(2)]);
  const x = b.cut(1)!;
  assert.equal(x.peers.length + x.flows.length, 2);
  const y = b.cut(2)!;
  assert.deepEqual(y.flows.map((f) => f.port), [2]);
  assert.equal(b.size, 3);
});

test('persisted sequence numbers survive a restart without reuse, in a 0600 file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-seq-'));
  try {
    const a = new PersistedSeq(dir, 10);
    const used = [a.next(), a.next(), a.next()];
    assert.deepEqual(used, [1, 2, 3]);
    assert.equal(statSync(join(dir, SEQ_FILE)).mode & 0o777, 0o600);
    const b = new PersistedSeq(dir, 10);
    const next = b.next();
    assert.ok(next > 3, `restart reused a number: ${next}`);
    for (let i = 0; i < 25; i++) b.next();
    const c = new PersistedSeq(dir, 10);
    assert.ok(c.next() > next + 25);
    assert.match(readFileSync(join(dir, SEQ_FILE), 'utf8'), /^\d+\n$/);
    writeFileSync(join(dir, SEQ_FILE), 'nonsense');
    assert.throws(() => new PersistedSeq(dir), /does not hold a sequence number/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
