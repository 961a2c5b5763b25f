// Table tests of just-in-time grants in the engine: the `requestable` block parses and is
// validated with line and path, a requestable grant gives nothing until a request for the
// resource is approved and then only until the approval ends, and who may request and approve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_POSTURE, evaluate, explain, isApprover, parsePolicy, requestableGrants, type Approval, type Policy, type Subject } from './index.js';
import { DB, grantTo, policyYaml, WIKI } from '../../test/support/policies.js';

const BASE = policyYaml({
  groups: { dba: ['carol', 'dave'], leads: ['dave'], staff: ['carol', 'erin'] },
  resources: { db: DB, wiki: WIKI },
  grants: [
    grantTo('staff', 'wiki'),
    { name: 'db-jit', to: ['group:dba'], resources: ['db', 'wiki'], session_ttl: '1h', requestable: '{ approvers: [group:leads, erin], max_duration: 2h, reason_required: true }' },
  ],
});

/** BASE with line `n` (1-based) replaced. */
const withLine = (n: number, text: string) => BASE.split('\n').map((l, i) => (i + 1 === n ? text : l)).join('\n');
const REQ_LINE = 16;

function policy(yaml = BASE): Policy {
  const r = parsePolicy(yaml);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

const T0 = Date.parse('2025-06-02T09:00:00Z');
const subject = (user: string, approvals: Approval[] = [], at = T0): Subject => ({ user, groups: [], mfa: true, posture: EMPTY_POSTURE, now: new Date(at), approvals });

test('requestable compiles into the grant', () => {
  const g = policy().grants[1]!;
  assert.deepEqual(g.requestable, { approverUsers: ['erin'], approverGroups: ['leads'], approvers: ['group:leads', 'erin'], maxDurationMs: 7_200_000, reasonRequired: true });
  assert.equal(policy().grants[0]!.requestable, null);
  assert.equal(policy(withLine(REQ_LINE, '    requestable: { approvers: [erin], max_duration: 30m }')).grants[1]!.requestable!.reasonRequired, false);
});

const rejected: { name: string; line: string; path: string; message: RegExp }[] = [
  { name: 'unknown approver group', line: '    requestable: { approvers: [group:leeds], max_duration: 2h }', path: 'grants[1].requestable.approvers[0]', message: /unknown approver group "leeds"/ },
  { name: 'unknown approver user', line: '    requestable: { approvers: [mallory], max_duration: 2h }', path: 'grants[1].requestable.approvers[0]', message: /unknown approver "mallory"/ },
  { name: 'no approvers', line: '    requestable: { approvers: [], max_duration: 2h }', path: 'grants[1].requestable.approvers', message: /at least one approver/ },
  { name: 'missing approvers', line: '    requestable: { max_duration: 2h }', path: 'grants[1].requestable.approvers', message: /requestable needs approvers/ },
  { name: 'duplicate approver', line: '    requestable: { approvers: [erin, erin], max_duration: 2h }', path: 'grants[1].requestable.approvers[1]', message: /duplicate approver "erin"/ },
  { name: 'missing max_duration', line: '    requestable: { approvers: [erin] }', path: 'grants[1].requestable.max_duration', message: /expected a duration/ },
  { name: 'bad max_duration', line: '    requestable: { approvers: [erin], max_duration: 2 hours }', path: 'grants[1].requestable.max_duration', message: /invalid duration "2 hours"/ },
  { name: 'zero max_duration', line: '    requestable: { approvers: [erin], max_duration: 0s }', path: 'grants[1].requestable.max_duration', message: /longer than 0/ },
  { name: 'numeric max_duration', line: '    requestable: { approvers: [erin], max_duration: 7200 }', path: 'grants[1].requestable.max_duration', message: /expected a duration/ },
  { name: 'reason_required not a boolean', line: '    requestable: { approvers: [erin], max_duration: 2h, reason_required: "yes" }', path: 'grants[1].requestable.reason_required', message: /expected true or false/ },
  { name: 'unknown key', line: '    requestable: { approvers: [erin], max_duration: 2h, auto_approve: true }', path: 'grants[1].requestable.auto_approve', message: /unknown key "auto_approve"/ },
  { name: 'not a mapping', line: '    requestable: true', path: 'grants[1].requestable', message: /requestable: \{ approvers, max_duration, reason_required \}/ },
];

for (const c of rejected) {
  test(`rejects requestable: ${c.name}`, () => {
    const r = parsePolicy(withLine(REQ_LINE, c.line));
    assert.equal(r.ok, false);
    if (r.ok) return;
    const match = r.errors.find((e) => c.message.test(e.message));
    assert.ok(match, `no error matching ${c.message}; got ${JSON.stringify(r.errors)}`);
    assert.equal(match.path, c.path);
    assert.equal(match.line, REQ_LINE);
  });
}

test('without an approved request a requestable grant gives nothing, and the denial says from whom', () => {
  const r = evaluate(policy(), subject('carol'));
  assert.deepEqual(r.entitlements.map((e) => `${e.resource}:${e.grant}`), ['wiki:staff-wiki']);
  const db = r.denials.find((d) => d.resource === 'db')!;
  assert.equal(db.code, 'requestable');
  assert.equal(db.message, 'grant db-jit: requestable, approvers: group:leads, erin (no approved request)');
});

const evaluations: { name: string; user: string; approvals: Approval[]; at?: number; expect: string[] }[] = [
  { name: 'an approval gives its resource until it ends', user: 'carol', approvals: [{ grant: 'db-jit', resource: 'db', expiresAt: T0 + 600_000 }],
    expect: ['db:db-jit:600000', 'wiki:staff-wiki:null'] },
  { name: 'only the approved resource of the grant', user: 'dave', approvals: [{ grant: 'db-jit', resource: 'wiki', expiresAt: T0 + 60_000 }],
    expect: ['wiki:db-jit:60000'] },
  { name: 'session_ttl still caps an approval that runs longer', user: 'carol', approvals: [{ grant: 'db-jit', resource: 'db', expiresAt: T0 + 7_000_000 }],
    expect: ['db:db-jit:3600000', 'wiki:staff-wiki:null'] },
  { name: 'the latest of several approvals counts', user: 'carol', approvals: [{ grant: 'db-jit', resource: 'db', expiresAt: T0 + 1000 }, { grant: 'db-jit', resource: 'db', expiresAt: T0 + 5000 }],
    expect: ['db:db-jit:5000', 'wiki:staff-wiki:null'] },
  { name: 'an approval that has ended gives nothing', user: 'carol', approvals: [{ grant: 'db-jit', resource: 'db', expiresAt: T0 }], expect: ['wiki:staff-wiki:null'] },
  { name: 'an approval for another grant gives nothing', user: 'carol', approvals: [{ grant: 'staff-wiki', resource: 'db', expiresAt: T0 + 5000 }], expect: ['wiki:staff-wiki:null'] },
  { name: 'an approval does not open a grant that does not name the user', user: 'erin', approvals: [{ grant: 'db-jit', resource: 'db', expiresAt: T0 + 5000 }], expect: ['wiki:staff-wiki:null'] },
];

for (const c of evaluations) {
  test(`evaluate: ${c.name}`, () => {
    const r = evaluate(policy(), subject(c.user, c.approvals, c.at));
    assert.deepEqual(r.entitlements.map((e) => `${e.resource}:${e.grant}:${e.expiresAt === null ? null : e.expiresAt - T0}`).sort(), c.expect);
  });
}

test('explain says a resource is requestable and from whom, and whether a request is approved', () => {
  const p = policy();
  const before = explain(p, subject('carol'), 'db');
  assert.equal(before.allowed, false);
  assert.equal(before.denial?.code, 'requestable');
  assert.match(before.summary, /carol may not reach db: grant db-jit: requestable, approvers: group:leads, erin/);
  const g = before.grants[0]!;
  assert.deepEqual({ requestable: g.requestable, approvers: g.approvers, applies: g.applies }, { requestable: true, approvers: ['group:leads', 'erin'], applies: false });
  assert.ok(g.reasons.includes('requestable, approvers: group:leads, erin (at most 2h, reason required)'), g.reasons.join(' | '));
  assert.ok(g.reasons.some((x) => /^no approved request for db/.test(x)));
  const after = explain(p, subject('carol', [{ grant: 'db-jit', resource: 'db', expiresAt: T0 + 60_000 }]), 'db');
  assert.equal(after.allowed, true);
  assert.equal(after.grants[0]!.applies, true);
  assert.ok(after.grants[0]!.reasons.includes('request for db approved until 2025-06-02T09:01:00.000Z'));
  // A grant that is not requestable says so.
  assert.deepEqual(explain(p, subject('carol'), 'wiki').grants.map((x) => [x.grant, x.requestable]), [['staff-wiki', false], ['db-jit', true]]);
});

test('requestableGrants: the requestable grants naming the user that give the resource', () => {
  const p = policy();
  assert.deepEqual(requestableGrants(p, 'carol', [], 'db').map((g) => g.name), ['db-jit']);
  assert.deepEqual(requestableGrants(p, 'carol', [], 'wiki').map((g) => g.name), ['db-jit']);
  assert.deepEqual(requestableGrants(p, 'erin', [], 'db'), []);
  assert.deepEqual(requestableGrants(p, 'frank', ['dba'], 'db').map((g) => g.name), ['db-jit'], 'through a directory group');
});

test('isApprover: named users and members of approver groups (policy or directory)', () => {
  const p = policy();
  const g = p.grants[1]!;
  assert.equal(isApprover(p, g, 'dave', []), true);
  assert.equal(isApprover(p, g, 'erin', []), true);
  assert.equal(isApprover(p, g, 'carol', []), false);
  assert.equal(isApprover(p, g, 'frank', ['leads']), true);
  assert.equal(isApprover(p, p.grants[0]!, 'dave', []), false, 'a grant that is not requestable has no approvers');
});
