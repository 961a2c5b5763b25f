// Table tests of the just-in-time access rules: the request state machine, which grant a
// request goes through (ambiguity, duration, reason), and who may approve or deny.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, type Policy } from '../policy/index.js';
import type { AccessRequestRecord, AccessState } from './access-store.js';
import { AccessRefusal, checkDecider, checkTransition, grantForRequest, type NewRequest, type RefusalKind } from './rules.js';
import { DB, policyYaml, WIKI } from '../../test/support/policies.js';

const POLICY = policyYaml({
  groups: { dba: ['carol', 'dave'], leads: ['dave'] },
  resources: { db: DB, wiki: WIKI },
  grants: [
    { name: 'wiki-open', to: ['group:dba'], resources: ['wiki'] },
    { name: 'db-jit', to: ['group:dba'], resources: ['db'], requestable: '{ approvers: [group:leads], max_duration: 1h, reason_required: true }' },
    { name: 'db-jit-short', to: ['carol'], resources: ['db'], requestable: '{ approvers: [dave], max_duration: 10m }' },
  ],
});

function policy(text = POLICY): Policy {
  const r = parsePolicy(text);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.policy;
}

/** Runs fn and returns the refusal kind and message (fails when it does not refuse). */
function refusal(fn: () => unknown): { kind: RefusalKind; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AccessRefusal, `expected an AccessRefusal, got ${String(err)}`);
    return { kind: err.kind, message: err.message };
  }
  assert.fail('expected a refusal');
}

const STATES: AccessState[] = ['pending', 'approved', 'denied', 'revoked', 'expired'];
const ALLOWED = new Set(['pending>approved', 'pending>denied', 'approved>revoked', 'approved>expired']);

test('state machine: exactly pending -> approved|denied and approved -> revoked|expired', () => {
  for (const from of STATES) {
    for (const to of STATES) {
      const ok = ALLOWED.has(`${from}>${to}`);
      if (ok) assert.doesNotThrow(() => checkTransition({ id: 'r1', state: from }, to));
      else assert.equal(refusal(() => checkTransition({ id: 'r1', state: from }, to)).kind, 'state', `${from} -> ${to}`);
    }
  }
  assert.match(refusal(() => checkTransition({ id: 'r1', state: 'denied' }, 'approved')).message, /request r1 is denied; only a pending request can be approved/);
});

const base: NewRequest = { user: 'carol', groups: [], resource: 'db', grant: 'db-jit', durationMs: 1_800_000, reason: 'replication broke' };

const requests: { name: string; req: Partial<NewRequest>; grant?: string; refused?: { kind: RefusalKind; message: RegExp } }[] = [
  { name: 'a named grant within its maximum', req: {}, grant: 'db-jit' },
  { name: 'exactly the maximum', req: { durationMs: 3_600_000 }, grant: 'db-jit' },
  { name: 'beyond the maximum', req: { durationMs: 3_600_001 }, refused: { kind: 'invalid', message: /beyond grant db-jit's max_duration of 1h/ } },
  { name: 'no reason where one is required', req: { reason: '  ' }, refused: { kind: 'invalid', message: /grant db-jit requires a reason/ } },
  { name: 'no reason where none is required', req: { grant: 'db-jit-short', reason: '', durationMs: 60_000 }, grant: 'db-jit-short' },
  { name: 'ambiguous without --grant', req: { grant: '' }, refused: { kind: 'ambiguous', message: /several requestable grants give db: db-jit, db-jit-short; choose one with --grant NAME/ } },
  { name: 'unambiguous without --grant', req: { user: 'dave', grant: '' }, grant: 'db-jit' },
  { name: 'through a directory group', req: { user: 'frank', groups: ['dba'], grant: '' }, grant: 'db-jit' },
  { name: 'a grant that is not requestable', req: { resource: 'wiki', grant: '' }, refused: { kind: 'not_found', message: /no requestable grant gives wiki to carol/ } },
  { name: 'a grant that does not name the user', req: { user: 'dave', grant: 'db-jit-short' }, refused: { kind: 'not_found', message: /grant db-jit-short is not a requestable grant giving db to dave \(requestable: db-jit\)/ } },
  { name: 'an outsider', req: { user: 'mallory', grant: '' }, refused: { kind: 'not_found', message: /no requestable grant gives db to mallory/ } },
  { name: 'an unknown resource', req: { resource: 'nosuch' }, refused: { kind: 'not_found', message: /no resource named "nosuch"/ } },
];

for (const c of requests) {
  test(`request: ${c.name}`, () => {
    const req = { ...base, ...c.req };
    if (c.refused) {
      const r = refusal(() => grantForRequest(policy(), req));
      assert.equal(r.kind, c.refused.kind);
      assert.match(r.message, c.refused.message);
    } else {
      assert.equal(grantForRequest(policy(), req).name, c.grant);
    }
  });
}

const pending = (over: Partial<AccessRequestRecord> = {}): AccessRequestRecord => ({
  id: 'r1', username: 'carol', grant: 'db-jit', resource: 'db', reason: 'x', durationMs: 600_000, state: 'pending', createdAtMs: 1,
  decidedBy: '', decidedAtMs: 0, decisionReason: '', expiresAtMs: 0, endedBy: '', endedAtMs: 0, endReason: '', ...over,
});

const decisions: { name: string; request?: Partial<AccessRequestRecord>; decider: string; groups?: string[]; to: 'approved' | 'denied'; policy?: string; ok?: boolean; refused?: { kind: RefusalKind; message: RegExp } }[] = [
  { name: 'an approver in the approver group', decider: 'dave', to: 'approved', ok: true },
  { name: 'an approver through a directory group', decider: 'erin', groups: ['leads'], to: 'approved', ok: true },
  { name: 'self-approval, even as a member of the approver group', request: { username: 'dave' }, decider: 'dave', to: 'approved', refused: { kind: 'forbidden', message: /dave cannot approve their own request/ } },
  { name: 'self-denial', request: { username: 'dave' }, decider: 'dave', to: 'denied', refused: { kind: 'forbidden', message: /cannot deny their own request/ } },
  { name: 'someone who is not an approver', decider: 'admin', to: 'approved', refused: { kind: 'forbidden', message: /admin is not an approver of grant db-jit \(approvers: group:leads\)/ } },
  { name: 'a request already decided', request: { state: 'denied' }, decider: 'dave', to: 'approved', refused: { kind: 'state', message: /is denied/ } },
  { name: 'approving a request the policy no longer offers', decider: 'dave', to: 'approved', policy: POLICY.replace('requestable: { approvers: [group:leads], max_duration: 1h, reason_required: true }', 'session_ttl: 1h'),
    refused: { kind: 'state', message: /no longer offers db to carol on request/ } },
  { name: 'denying a request the policy no longer offers (any admin)', decider: 'admin', to: 'denied', policy: 'groups: {}\n', ok: true },
];

for (const c of decisions) {
  test(`decide: ${c.name}`, () => {
    const p = policy(c.policy);
    const run = () => checkDecider(p, pending(c.request), [], { user: c.decider, groups: c.groups ?? [] }, c.to);
    if (c.ok) assert.doesNotThrow(run);
    else {
      const r = refusal(run);
      assert.equal(r.kind, c.refused!.kind);
      assert.match(r.message, c.refused!.message);
    }
  });
}
