// What `wicket request` and `wicket requests` print for each state of a request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessRequest__Output as AccessRequest } from '../proto/generated/wicket/v1/AccessRequest.js';
import { describeRequest, requestsTable } from './request.js';

const r = (over: Partial<AccessRequest>): AccessRequest => ({
  id: 'r1', username: 'carol', grant: 'db-jit', resource: 'db', reason: 'fix', durationMs: 1_200_000, state: 'pending', createdAtMs: Date.parse('2025-06-02T09:00:00Z'),
  decidedBy: '', decidedAtMs: 0, decisionReason: '', expiresAtMs: 0, endedBy: '', endedAtMs: 0, endReason: '', approvers: ['group:leads'], ...over,
});

const cases: { request: Partial<AccessRequest>; line: string; note: string }[] = [
  { request: {}, line: 'request r1 for db (grant db-jit, 20m) is pending; approvers: group:leads', note: 'approvers: group:leads' },
  { request: { state: 'approved', decidedBy: 'admin:dave', expiresAtMs: Date.parse('2025-06-02T09:20:00Z') },
    line: 'request r1 for db (grant db-jit, 20m) was approved by admin:dave; access until 2025-06-02T09:20:00Z', note: '' },
  { request: { state: 'denied', decidedBy: 'admin:dave', decisionReason: 'use the replica' }, line: 'request r1 for db (grant db-jit, 20m) was denied by admin:dave: use the replica', note: 'use the replica' },
  { request: { state: 'expired', endedBy: 'system', endReason: 'the approved duration ended' }, line: 'request r1 for db (grant db-jit, 20m) is expired (system: the approved duration ended)', note: 'the approved duration ended' },
  { request: { state: 'revoked', endedBy: 'admin:erin' }, line: 'request r1 for db (grant db-jit, 20m) is revoked (admin:erin)', note: '' },
];

for (const c of cases) {
  test(`a ${c.request.state ?? 'pending'} request`, () => {
    assert.equal(describeRequest(r(c.request)), c.line);
    const row = requestsTable([r(c.request)]).rows[0]!;
    assert.equal(row.at(-1), c.note);
    assert.equal(row[4], c.request.state ?? 'pending');
  });
}
