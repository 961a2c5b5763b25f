// Unit tests of the audit hash chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GENESIS_HASH, canonicalJson, recordHash, verifyChain, type AuditRecord } from './chain.js';

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS_HASH;
  for (let id = 1; id <= n; id++) {
    const r = { id, atMs: 1000 + id, actor: 'admin:a', action: 'user.add', target: `u${id}`, detailsJson: canonicalJson({ n: id }) };
    const hash = recordHash(prev, r);
    out.push({ ...r, prevHash: prev, hash });
    prev = hash;
  }
  return out;
}

test('canonical JSON sorts keys at every level and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
});

test('an intact chain verifies', () => {
  assert.deepEqual(verifyChain(chain(5)), { ok: true, recordsChecked: 5, firstBadId: 0, message: '5 records verified' });
  assert.equal(verifyChain([]).ok, true);
});

test('changing any field of any record names that record', () => {
  for (const field of ['atMs', 'actor', 'action', 'target', 'detailsJson'] as const) {
    for (const victim of [0, 2, 4]) {
      const records = chain(5);
      const r = records[victim]!;
      (r as unknown as Record<string, unknown>)[field] = typeof r[field] === 'number' ? (r[field] as number) + 1 : `${r[field]}x`;
      const result = verifyChain(records);
      assert.equal(result.ok, false);
      assert.equal(result.firstBadId, victim + 1, `${field} of record ${victim + 1}`);
    }
  }
});

test('removing or reordering records is detected at the first affected record', () => {
  const removed = chain(5);
  removed.splice(2, 1);
  assert.equal(verifyChain(removed).firstBadId, 4);
  const swapped = chain(4);
  [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!];
  assert.equal(verifyChain(swapped).firstBadId, 3);
});

test('recomputing one hash does not hide the change from the next record', () => {
  const records = chain(3);
  records[0]!.target = 'other';
  records[0]!.hash = recordHash(GENESIS_HASH, records[0]!);
  assert.equal(verifyChain(records).firstBadId, 2);
});
