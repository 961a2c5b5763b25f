// Just-in-time access end to end in network namespaces, through the real command lines:
// carol's open session cannot reach the database; `policy explain` says it is requestable and
// from whom; a request beyond the grant's maximum is refused; an approver cannot approve their
// own request; once an approver approves, carol's open session reaches the database without
// reconnecting; at the approval's expiry an established connection is cut while the session
// goes on; and every step is in the audit log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ADDR, probeTcp, startStream, tcpConnect } from '../../scripts/topology/index.js';
import { eventually, PORTS, WicketSystem, type UserCredentials } from '../../scripts/topology/system.js';

const POLICY = `gateways: [dc1]
groups:
  staff: [carol, dave]
  db-approvers: [dave]
resources:
  webapp: { address: ${ADDR.r1}, ports: [tcp/${PORTS.web}, tcp/${PORTS.echo}], gateway: dc1 }
  database: { address: ${ADDR.r2}, ports: [tcp/${PORTS.db}, tcp/${PORTS.dbEcho}], gateway: dc1 }
grants:
  - name: staff-webapp
    to: [group:staff]
    resources: [webapp]
  - name: db-jit
    to: [group:staff]
    resources: [database]
    requestable: { approvers: [group:db-approvers], max_duration: 1m, reason_required: true }
tests:
  - user: carol
    allow: [webapp]
    deny: [database]
`;

interface AccessRequestView { id: string; username: string; state: string; expiresAtMs: number; decidedBy: string; approvers: string[] }
interface AuditView { actor: string; action: string; target: string; atMs: number; detailsJson: string }

describe('just-in-time access end to end', { timeout: 600_000 }, () => {
  let sys: WicketSystem;
  let dave: UserCredentials;
  let daveDir: string;

  /** wicketctl with dave's own admin certificate (from `wicketctl login`). */
  const asDave = (args: string[]) => sys.run('ctl', 'wicketctl', ['--controller', `127.0.0.1:${PORTS.api}`, '--credentials', daveDir, ...args]);
  const requests = async (role: string, user: string) => JSON.parse(await sys.wicket(role, user, ['requests', '--json'])) as AccessRequestView[];

  before(async () => {
    sys = await WicketSystem.create('wicket-jit-');
    await sys.startResources();
    await sys.initController();
    await sys.startController(['--heartbeat-interval', '1s', '--heartbeat-timeout', '30s']);
    await sys.addUser('carol');
    dave = await sys.addUser('dave', [], { admin: true });
    await sys.applyPolicy(POLICY);
    await sys.enrollGateway();
    await sys.startGateway();
    daveDir = join(sys.dir, 'dave-admin');
    await sys.run('ctl', 'wicketctl', ['--credentials', daveDir, 'login', '--controller', `127.0.0.1:${PORTS.auth}`, '--ca-fingerprint', sys.fingerprint,
      '--user', 'dave', '--password-stdin', '--totp', await sys.totp('dave'), '--api', `127.0.0.1:${PORTS.api}`], dave.password);
  });

  after(() => sys?.cleanup());

  let sessionId = '';

  test('before a request is approved carol cannot reach the database, and explain says it is requestable and from whom', async () => {
    await sys.login('c1', 'carol');
    sessionId = (await sys.up('c1', 'carol', 'a')).session.id;
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'carol reaches the web app');
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db), 'connected', 'carol does not reach the database');
    const e = await sys.wicketctlJson<{ allowed: boolean; summary: string; grants: { grant: string; requestable: boolean; approvers: string[] }[] }>(['policy', 'explain', 'carol', 'database']);
    assert.equal(e.allowed, false);
    assert.match(e.summary, /requestable, approvers: group:db-approvers/);
    assert.deepEqual(e.grants.map((g) => [g.grant, g.requestable, g.approvers]), [['db-jit', true, ['group:db-approvers']]]);
    assert.match(await sys.wicketctl(['policy', 'explain', 'carol', 'database']), /requestable, approvers: group:db-approvers \(at most 1m, reason required\)/);
  });

  test('a request beyond the grant\'s maximum is refused', async () => {
    await assert.rejects(sys.wicket('c1', 'carol', ['request', 'database', '--for', '2m', '--reason', 'too long']), /2m is beyond grant db-jit's max_duration of 1m/);
    assert.deepEqual(await requests('c1', 'carol'), []);
  });

  test('an approver cannot approve their own request', async () => {
    await sys.login('c2', 'dave');
    const own = JSON.parse(await sys.wicket('c2', 'dave', ['request', 'database', '--for', '20s', '--reason', 'my own', '--json'])) as AccessRequestView;
    await assert.rejects(asDave(['access', 'approve', own.id]), /dave cannot approve their own request/);
    assert.equal((await requests('c2', 'dave'))[0]!.state, 'pending');
  });

  test('after approval her open session reaches the database without reconnecting; at expiry an established connection is cut', async () => {
    const req = JSON.parse(await sys.wicket('c1', 'carol', ['request', 'database', '--for', '20s', '--reason', 'fix replication', '--json'])) as AccessRequestView;
    assert.equal(req.state, 'pending');
    assert.deepEqual(req.approvers, ['group:db-approvers']);
    const pending = await sys.wicketctlJson<AccessRequestView[]>(['access', 'requests', '--pending']);
    assert.ok(pending.some((r) => r.id === req.id && r.username === 'carol'));
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db), 'connected', 'still no database while pending');

    const approved = JSON.parse(await asDave(['access', 'approve', req.id, '--json'])) as AccessRequestView;
    assert.equal(approved.state, 'approved');
    assert.equal(approved.decidedBy, 'admin:dave');
    await eventually(() => probeTcp(sys.topo, 'c1', ADDR.r2, PORTS.db), 10_000, 'carol reaches the database after approval');
    const status = JSON.parse(await sys.wicket('c1', 'carol', ['status', '--json'])) as { session: { id: string; state: string } };
    assert.deepEqual([status.session.id, status.session.state], [sessionId, 'active'], 'the same session: no reconnect');

    const stream = await startStream(sys.topo, 'c1', ADDR.r2, PORTS.dbEcho, 20);
    await stream.waitForEchoes(5, 10_000);
    await eventually(() => stream.exited || Date.now() - stream.lastEchoAt > 1500, 40_000, 'the established connection is cut at expiry');
    const cutAt = stream.lastEchoAt;
    stream.stop();
    assert.equal(stream.echoesSince(cutAt + 1), 0);
    assert.ok(cutAt > approved.expiresAtMs - 5000, `not cut long before the approval's end (${approved.expiresAtMs - cutAt} ms early)`);
    assert.ok(cutAt < approved.expiresAtMs + 3000, `cut at the approval's end (${cutAt - approved.expiresAtMs} ms late)`);
    assert.ok(await probeTcp(sys.topo, 'c1', ADDR.r1, PORTS.web), 'the session goes on with its other grant');
    assert.notEqual(await tcpConnect(sys.topo, 'c1', ADDR.r2, PORTS.db), 'connected', 'no database after expiry');
    await eventually(async () => (await requests('c1', 'carol')).find((r) => r.id === req.id)?.state === 'expired', 10_000, 'the request shows as expired');
  });

  test('every step is in the audit log with who, when and why', async () => {
    const records = await sys.wicketctlJson<AuditView[]>(['audit', '--action', 'access.']);
    const has = (actor: string, action: string, detail: RegExp) => {
      assert.ok(records.some((r) => r.actor === actor && r.action === action && r.atMs > 0 && detail.test(r.detailsJson)),
        `no ${action} by ${actor} matching ${detail}: ${JSON.stringify(records.map((r) => [r.actor, r.action, r.detailsJson]))}`);
    };
    has('user:carol', 'access.refuse', /beyond grant db-jit's max_duration/);
    has('user:carol', 'access.request', /fix replication/);
    has('user:dave', 'access.request', /my own/);
    has('admin:dave', 'access.refuse', /cannot approve their own request/);
    has('admin:dave', 'access.approve', /"user":"carol"/);
    has('system', 'access.expire', /"user":"carol"/);
    const updates = await sys.wicketctlJson<AuditView[]>(['audit', '--action', 'session.update']);
    assert.ok(updates.some((r) => r.target === sessionId && /approved by admin:dave/.test(r.detailsJson)), 'the session change names the approval');
    assert.match(await sys.wicketctl(['audit', 'verify']), /ok|verified|intact/i);
  });
});
