// Just-in-time access over real gRPC with mutual TLS and a real SQLite file: requests beyond
// the grant's maximum or without a required reason are refused, an approver (by admin
// certificate) approves and the requester's live session gets the resource at once — on the
// gateway (rule expiring with the approval) and in the client's Watch — self-approval and
// non-approvers are refused, expiry and revocation take it away again, denial is final, and
// every step is in the audit log with who and why.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import type { SessionEvent__Output } from '../../proto/generated/wicket/v1/SessionEvent.js';
import { addUser, codeAt, enrollGateway, FakeGateway, grantedRules, login, rpcError, startTestController, type TestController } from './harness.js';
import { DB, grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { staff: ['carol', 'dave'], leads: ['dave'] },
  resources: { wiki: WIKI, db: DB },
  grants: [
    grantTo('staff', 'wiki'),
    { name: 'db-jit', to: ['group:staff'], resources: ['db'], requestable: '{ approvers: [group:leads], max_duration: 1h, reason_required: true }' },
  ],
});

type Clients = ReturnType<typeof apiClients>;

/** Polls until `check` holds (5 s). */
async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within 5 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('just-in-time access over gRPC', () => {
  let t: TestController;
  let gw: FakeGateway;
  const users: Record<'carol' | 'dave' | 'erin', Clients> = {} as never;
  let sessionId = '';
  const events: SessionEvent__Output[] = [];

  /** The rules the gateway was last told for carol's session ("destination expiresAtMs"). */
  const rulesAtGateway = () => {
    const last = gw.received.map((m) => m.delta?.upserts.find((u) => u.id === sessionId) ?? (m.delta?.removes.includes(sessionId) ? null : undefined))
      .filter((u) => u !== undefined).at(-1);
    return last ? grantedRules(last.rules).map((r) => `${r.destination} ${r.expiresAtMs}`) : [];
  };

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 })] });
    for (const [name, admin] of [['carol', false], ['dave', true], ['erin', true]] as const) {
      const secret = await addUser(t, name, `${name} quartz tram password`, { admin });
      users[name] = apiClients(t.api, (await login(t, { username: name, password: `${name} quartz tram password`, totpCode: await codeAt(t, secret) })).creds);
    }
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    // A gateway that acknowledges every version and keeps what it was sent.
    gw = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gw.connect();
    await gw.next((m) => !!m.snapshot);
    // carol's live session: the wiki only.
    const r = await call(users.carol.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: null, ackTimeoutMs: 0 });
    sessionId = r.session!.id;
    assert.deepEqual(r.session!.entitlements.map((e) => e.resource), ['wiki']);
    assert.deepEqual(r.denials.map((d) => [d.resource, d.code]), [['db', 'requestable']]);
    const watch = users.carol.client.Watch({ sessionId });
    watch.on('data', (e: SessionEvent__Output) => events.push(e));
    watch.on('error', () => undefined);
    await until('watch state', () => events.length > 0);
  });

  after(async () => {
    for (const c of Object.values(users)) c.close();
    gw?.close();
    await t?.stop();
  });

  const request = (who: Clients, over: Partial<{ resource: string; grant: string; durationMs: number; reason: string }> = {}) =>
    call(who.client, 'RequestAccess', { resource: 'db', grant: '', durationMs: 600_000, reason: 'replication broke', ...over });

  test('a request beyond the maximum, without a required reason, or for a resource no requestable grant offers is refused', async () => {
    let err = await rpcError(request(users.carol, { durationMs: 2 * 3_600_000 }));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /2h is beyond grant db-jit's max_duration of 1h/);
    err = await rpcError(request(users.carol, { reason: '' }));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /requires a reason/);
    err = await rpcError(request(users.carol, { resource: 'wiki' }));
    assert.equal(err.code, grpc.status.NOT_FOUND);
    err = await rpcError(request(users.carol, { durationMs: 0 }));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.match(err.details, /duration_ms/);
    assert.deepEqual((await call(users.carol.client, 'ListMyAccessRequests', {})).requests, [], 'nothing was stored');
    // An admin certificate cannot ask in a user's name: the Client service needs a user certificate.
    assert.equal((await rpcError(call(t.admin.client, 'RequestAccess', { resource: 'db', grant: '', durationMs: 60_000, reason: 'x' }))).code, grpc.status.PERMISSION_DENIED);
  });

  test('approval adds the resource to the live session at once, on the gateway and in Watch, until it expires', async () => {
    const req = await request(users.carol);
    assert.equal(req.state, 'pending');
    assert.deepEqual(req.approvers, ['group:leads']);
    assert.equal((await rpcError(request(users.carol))).code, grpc.status.ALREADY_EXISTS, 'one pending request per grant and resource');
    assert.deepEqual(rulesAtGateway().map((r) => r.split(' ')[0]), ['10.20.0.10/32'], 'no database rule before approval');

    // Not an approver (erin is an admin, but not in group leads); not an admin (carol's user certificate).
    let err = await rpcError(call(users.erin.admin, 'ApproveAccess', { id: req.id, durationMs: 0, reason: '' }));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /erin is not an approver of grant db-jit/);
    assert.equal((await rpcError(call(users.carol.admin, 'ApproveAccess', { id: req.id, durationMs: 0, reason: '' }))).code, grpc.status.PERMISSION_DENIED);
    // Beyond the grant's maximum, even for an approver.
    err = await rpcError(call(users.dave.admin, 'ApproveAccess', { id: req.id, durationMs: 2 * 3_600_000, reason: '' }));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);

    const from = events.length;
    const approved = await call(users.dave.admin, 'ApproveAccess', { id: req.id, durationMs: 2500, reason: 'go ahead' });
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decidedBy, 'admin:dave');
    const expiresAt = Number(approved.expiresAtMs);
    const rules = await until('db rule at the gateway', () => rulesAtGateway().some((r) => r.startsWith('10.20.1.0/24')) && rulesAtGateway());
    assert.ok(rules.includes(`10.20.1.0/24 ${expiresAt}`), `the gateway rule expires with the approval: ${rules.join(', ')}`);
    const updated = await until('Watch update', () => events.slice(from).find((e) => e.kind === 'updated'));
    assert.deepEqual(updated.gateways[0]!.allowedIps, ['10.20.0.10/32', '10.20.1.0/24', '100.127.255.254/32'], 'and the gateway\'s service address');
    assert.equal(updated.session!.id, sessionId, 'the same session, no reconnect');
    const resources = await call(users.carol.client, 'ListResources', { posture: null });
    assert.deepEqual(resources.resources.find((x) => x.resource === 'db')!.grants, ['db-jit']);

    // At expiry the rule leaves the gateway and the request is marked expired.
    await until('db rule removed at expiry', () => !rulesAtGateway().some((r) => r.startsWith('10.20.1.0/24')));
    const mine = await until('request expired', async () => (await call(users.carol.client, 'ListMyAccessRequests', {})).requests.find((x) => x.id === req.id && x.state === 'expired'));
    assert.equal(mine.endedBy, 'system');
    const live = (await call(t.admin.admin, 'ListSessions', { all: false, user: 'carol' })).sessions.find((s) => s.id === sessionId)!;
    assert.equal(live.state, 'active', 'the session itself goes on with its other grants');
    assert.deepEqual(live.entitlements.map((e) => e.resource), ['wiki']);
  });

  test('an approver cannot approve (or deny) their own request, even in the approver group', async () => {
    const own = await request(users.dave);
    let err = await rpcError(call(users.dave.admin, 'ApproveAccess', { id: own.id, durationMs: 0, reason: '' }));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /dave cannot approve their own request/);
    err = await rpcError(call(users.dave.admin, 'DenyAccess', { id: own.id, reason: 'no' }));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    const listed = (await call(t.admin.admin, 'ListAccessRequests', { pending: true, user: '' })).requests;
    assert.deepEqual(listed.map((x) => [x.id, x.state]), [[own.id, 'pending']]);
  });

  test('revocation takes the resource away at once; a denied request stays denied', async () => {
    const req = await request(users.carol);
    await call(users.dave.admin, 'ApproveAccess', { id: req.id, durationMs: 0, reason: '' });
    await until('db rule at the gateway', () => rulesAtGateway().some((r) => r.startsWith('10.20.1.0/24')));
    const revoked = await call(users.erin.admin, 'RevokeAccess', { id: req.id, reason: 'incident closed' });
    assert.equal(revoked.state, 'revoked');
    assert.equal(revoked.endedBy, 'admin:erin');
    await until('db rule removed on revocation', () => !rulesAtGateway().some((r) => r.startsWith('10.20.1.0/24')));
    assert.equal((await rpcError(call(users.erin.admin, 'RevokeAccess', { id: req.id, reason: '' }))).code, grpc.status.FAILED_PRECONDITION);

    const again = await request(users.carol);
    assert.equal((await rpcError(call(users.dave.admin, 'DenyAccess', { id: again.id, reason: '' }))).code, grpc.status.INVALID_ARGUMENT, 'a denial needs a reason');
    const denied = await call(users.dave.admin, 'DenyAccess', { id: again.id, reason: 'use the replica' });
    assert.deepEqual([denied.state, denied.decidedBy, denied.decisionReason], ['denied', 'admin:dave', 'use the replica']);
    const err = await rpcError(call(users.dave.admin, 'ApproveAccess', { id: again.id, durationMs: 0, reason: '' }));
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.match(err.details, /is denied; only a pending request can be approved/);
    assert.equal((await rpcError(call(users.dave.admin, 'ApproveAccess', { id: 'nosuch', durationMs: 0, reason: '' }))).code, grpc.status.NOT_FOUND);
  });

  test('every step is in the audit log with who, when and why', async () => {
    const records = (await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'access.' })).records
      .map((r) => ({ ...r, details: JSON.parse(r.detailsJson) as Record<string, unknown> }));
    const find = (action: string, pred: (d: Record<string, unknown>, actor: string) => boolean = () => true) => {
      const r = records.find((x) => x.action === action && pred(x.details, x.actor));
      assert.ok(r, `no ${action} record: ${JSON.stringify(records.map((x) => [x.actor, x.action, x.details]))}`);
      assert.ok(r.atMs > 0);
      return r;
    };
    assert.equal(find('access.request', (d) => d.user === 'carol').actor, 'user:carol');
    assert.equal(find('access.request', (d) => d.user === 'carol').details.reason, 'replication broke');
    find('access.refuse', (d, a) => a === 'user:carol' && d.op === 'request' && /beyond grant db-jit's max_duration/.test(String(d.refusal)));
    find('access.refuse', (d, a) => a === 'admin:dave' && d.op === 'approve' && /cannot approve their own request/.test(String(d.refusal)));
    find('access.refuse', (d, a) => a === 'admin:erin' && d.op === 'approve' && /not an approver/.test(String(d.refusal)));
    assert.equal(find('access.approve', (d) => d.reason === 'go ahead').actor, 'admin:dave');
    assert.equal(find('access.expire').actor, 'system');
    assert.equal(find('access.revoke').details.reason, 'incident closed');
    assert.equal(find('access.deny').details.reason, 'use the replica');
    // The session changes name their cause.
    const updates = (await call(t.admin.admin, 'ListAudit', { afterId: 0, limit: 1000, actionPrefix: 'session.update' })).records.map((r) => JSON.parse(r.detailsJson) as { cause: string });
    assert.ok(updates.some((u) => /access request .* approved by admin:dave/.test(u.cause)), JSON.stringify(updates));
    assert.ok(updates.some((u) => /access request .* revoked by admin:erin/.test(u.cause)));
    assert.equal((await call(t.admin.admin, 'VerifyAudit', {})).ok, true);
  });
});
