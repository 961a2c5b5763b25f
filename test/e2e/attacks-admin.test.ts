// Scripted attacks on admin credentials and single sign-on, against the real controller (real
// SQLite file, real gRPC with real mutual TLS, the real session module) and a real OpenID
// provider (oidc-provider on loopback, device flow): a stolen admin laptop, the bootstrap
// credential `init` writes, a user named like it, admin logins without MFA, SSO identities
// that would be linked to accounts they do not own, weak passwords, and a flood of refused
// calls. Each scenario asserts that the attack fails and names its evidence (an audit count
// or a metric), which must have grown by the end of the scenario.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, fetchPinnedCa, generateKeyPair } from '../../common/pki.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { DEFAULT_SSO_LIMITS } from '../../controller/sso/device-login.js';
import { parseSsoConfig } from '../../controller/sso/config.js';
import { approveDevice, startTestProvider, testProviderConfig, type TestProvider } from '../support/oidc-test-provider.js';
import { credentialFiles, renewAdminCredentials } from '../../controller/app/datadir.js';
import { addUser, codeAt, login, rpcError, startTestController, type TestController } from '../integration/harness.js';
import { DbView, dbPathOf } from '../reliability/dbstate.js';
import { AttackLog, metricSum } from '../reliability/attack-kit.js';

const CLIENT = { clientId: 'wicket', clientSecret: 'admin-attacks-secret' };
const DAY_MS = 86_400_000;

describe('attacks on admin credentials and single sign-on', { timeout: 300_000 }, () => {
  let t: TestController;
  let op: TestProvider;
  let db: DbView;

  const auditCount = (action: string, target?: string) => db.count(`SELECT count(*) FROM audit WHERE action = ?${target ? ' AND target = ?' : ''}`, ...[action, ...(target ? [target] : [])]);
  const auditReason = (action: string, reason: string) => db.count("SELECT count(*) FROM audit WHERE action = ? AND details_json LIKE '%' || ? || '%'", action, reason);
  const metric = (name: string, labels: Record<string, string> = {}) => metricSum(t.controller.ctx.metrics.registry, name, labels);
  const refused = (reason: string) => () => metric('wicket_authz_refusals_total', { reason });
  const audited = (action: string, reason: string) => async () => auditReason(action, reason);
  const attacks = new AttackLog();
  const scenario = attacks.scenario.bind(attacks);

  /** An admin call with these credentials (the promise rejects with the gRPC error). */
  const listUsers = async (creds: ClientCredentials) => {
    const api = apiClients(t.api, creds);
    try {
      return await call(api.admin, 'ListUsers', {});
    } finally {
      api.close();
    }
  };
  /** A user with the admin role logged in with password + TOTP (as `wicketctl login` does). */
  const adminLogin = async (name: string) => {
    const password = `${name} keeps the quartz tram`;
    const secret = await addUser(t, name, password, { admin: true });
    return login(t, { username: name, password, totpCode: await codeAt(t, secret) });
  };
  /** A device-flow SSO login approved at the provider as `account`; rejects with the gRPC error when refused. */
  const ssoLogin = async (account: string, provider = 'corp') => {
    const caPem = await fetchPinnedCa(t.auth, t.fingerprint);
    const keys = generateKeyPair();
    const clients = authClients(t.auth, caPem);
    try {
      const start = await call(clients.auth, 'StartSsoLogin', { provider, csrPem: createCsr(keys, account), deviceName: 'laptop' });
      await approveDevice(start.verificationUri, start.userCode, account, op.accounts[account]!.password);
      for (;;) {
        const r = await call(clients.auth, 'PollSsoLogin', { loginId: start.loginId });
        if (!r.pending) return { res: r.login!, creds: { caPem: r.login!.caPem, certPem: r.login!.certificatePem, keyPem: keys.privateKeyPem } };
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      clients.close();
    }
  };
  const readCreds = (dir: string): ClientCredentials => {
    const f = credentialFiles(dir);
    return { caPem: readFileSync(f.ca, 'utf8'), certPem: readFileSync(f.cert, 'utf8'), keyPem: readFileSync(f.key, 'utf8') };
  };

  before(async () => {
    op = await startTestProvider({
      clients: [CLIENT],
      accounts: {
        // An admin account at the provider, once without and once with a second factor.
        ops: { password: 'ops-idp-pw', email: 'ops@example.com', groups: [], amr: ['pwd'] },
        // Their e-mail addresses match Wicket accounts created with a password.
        carl: { password: 'carl-idp-pw', email: 'carl@example.com', emailVerified: null, groups: [], amr: ['pwd', 'otp'] },
        dora: { password: 'dora-idp-pw', email: 'dora@example.com', groups: [], amr: ['pwd', 'otp'] },
        // A plain user whose provider login used one factor.
        walt: { password: 'walt-idp-pw', email: 'walt@example.com', groups: [], amr: ['pwd'] },
      },
    });
    // corp: the defaults (MFA required for admins); mfa-all: MFA required for everybody.
    const corp = testProviderConfig(op.issuer, CLIENT.clientId);
    const mfaAll = `${corp.replace('- name: corp', '- name: mfa-all')}    require_mfa: all\n`;
    const providers = parseSsoConfig(`providers:\n${corp}${mfaAll}`, '/etc/wicket', () => CLIENT.clientSecret);
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 })], start: { sso: providers } });
    db = new DbView(dbPathOf(join(t.dir, 'data')));
  });

  after(async () => {
    attacks.report();
    db?.close();
    await t?.stop();
    await op?.close();
  });

  scenario('a stolen admin laptop: blocking its device cuts the admin certificate at the next Admin call', refused('revoked_or_disabled'), async () => {
    const { res, creds } = await adminLogin('root');
    assert.equal(res.admin, true);
    await listUsers(creds);
    await call(t.admin.admin, 'BlockDevice', { id: res.deviceId, reason: 'laptop stolen' });
    const err = await rpcError(listUsers(creds));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /device .* is blocked/);
  });

  scenario('a weak or common password is refused at user add, with a clear message', async () => metric('wicket_grpc_server_handled_total', { method: 'AddUser', code: 'INVALID_ARGUMENT' }), async () => {
    for (const password of ['password1', 'Password123!', 'qwertyuiop', 'weakling-password-user'.slice(0, 8)]) {
      const err = await rpcError(call(t.admin.admin, 'AddUser', { name: 'weakling', password, groups: [], admin: false }));
      assert.equal(err.code, grpc.status.INVALID_ARGUMENT, password);
      assert.match(err.details, /^password: /);
    }
    assert.ok(!(await call(t.admin.admin, 'ListUsers', {})).users.some((u) => u.name === 'weakling'), 'no user was created');
  });

  scenario('a flood of refused calls writes one audit record per identity and reason per window', refused('wrong_kind'), async () => {
    const secret = await addUser(t, 'flooder', 'flooder rides the quartz tram');
    const { creds } = await login(t, { username: 'flooder', password: 'flooder rides the quartz tram', totpCode: await codeAt(t, secret) });
    const before = auditCount('authz.refuse', 'user:flooder');
    for (let i = 0; i < 30; i++) assert.equal((await rpcError(listUsers(creds))).code, grpc.status.PERMISSION_DENIED);
    assert.equal(auditCount('authz.refuse', 'user:flooder'), before + 1, 'the refusal is recorded once, not once per call');
    t.advance(61_000);
    await rpcError(listUsers(creds));
    assert.equal(auditCount('authz.refuse', 'user:flooder'), before + 2, 'the next window records it again');
    assert.equal(auditReason('authz.refuse', '"suppressed":29'), 1, 'the record of the next window counts the refusals it stood for');
  });

  scenario('an SSO e-mail the provider does not say is verified is not linked to the matching account', audited('login.fail', 'no verified e-mail address'), async () => {
    await addUser(t, 'carl@example.com', 'carl keeps the quartz tram');
    const err = await rpcError(ssoLogin('carl'));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(auditCount('login.ok', 'carl@example.com'), 0, 'no certificate was issued');
  });

  scenario('a verified SSO e-mail is not linked to a password-only account; an admin pre-link is', audited('login.fail', 'does not accept SSO logins'), async () => {
    await addUser(t, 'dora@example.com', 'dora keeps the quartz tram');
    const err = await rpcError(ssoLogin('dora'));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(auditCount('login.ok', 'dora@example.com'), 0, 'no certificate was issued');
    await call(t.admin.admin, 'LinkUser', { name: 'dora@example.com', provider: 'corp', subject: 'dora' });
    assert.equal(auditCount('user.link', 'dora@example.com'), 1);
    const { res } = await ssoLogin('dora');
    assert.equal(res.username, 'dora@example.com');
  });

  scenario('an admin account is never linked implicitly, and a linked admin without MFA gets no certificate', audited('login.fail', 'MFA'), async () => {
    await addUser(t, 'ops@example.com', 'ops keeps the quartz tram', { admin: true });
    const implicit = await rpcError(ssoLogin('ops'));
    assert.equal(implicit.code, grpc.status.UNAUTHENTICATED);
    await call(t.admin.admin, 'LinkUser', { name: 'ops@example.com', provider: 'corp', subject: 'ops' });
    const noMfa = await rpcError(ssoLogin('ops'));
    assert.equal(noMfa.code, grpc.status.UNAUTHENTICATED);
    assert.equal(auditCount('login.ok', 'ops@example.com'), 0, 'no certificate was issued');
    op.accounts.ops!.amr = ['pwd', 'otp'];
    const { res, creds } = await ssoLogin('ops');
    assert.equal(res.admin, true);
    await listUsers(creds);
  });

  scenario('with require_mfa: all, a login without MFA gets no certificate, admin or not', audited('login.fail', 'MFA required:'), async () => {
    const err = await rpcError(ssoLogin('walt', 'mfa-all'));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
    assert.equal(auditCount('login.ok', 'walt@example.com'), 0, 'no certificate was issued');
    // The same person through the provider with the default setting is a plain user, admitted.
    const { res } = await ssoLogin('walt');
    assert.equal(res.username, 'walt@example.com');
    assert.equal(res.admin, false);
  });

  scenario('a user named like the bootstrap admin neither gains nor disables its rights', async () => auditCount('user.disable', 'admin'), async () => {
    const secret = await addUser(t, 'admin', 'admin keeps the quartz tram');
    await listUsers(t.adminCreds);
    const { creds } = await login(t, { username: 'admin', password: 'admin keeps the quartz tram', totpCode: await codeAt(t, secret) });
    assert.equal((await rpcError(listUsers(creds))).code, grpc.status.PERMISSION_DENIED, 'the user admin is no admin');
    await call(t.admin.admin, 'SetUserDisabled', { name: 'admin', disabled: true });
    await call(t.admin.admin, 'RevokeUser', { name: 'admin' });
    await listUsers(t.adminCreds);
  });

  scenario('the bootstrap credential is listed, revocable, renewable on the host, and expires within 30 days', async () => auditCount('admin.credential.revoke'), async () => {
    const cert = new X509Certificate(t.adminCreds.certPem);
    assert.ok(Date.parse(cert.validTo) <= t.now() + 30 * DAY_MS, `bootstrap credential valid until ${cert.validTo}`);
    const listed = await call(t.admin.admin, 'ListAdminCredentials', {});
    const serial = cert.serialNumber.toLowerCase();
    assert.ok(listed.credentials.some((c) => c.serial === serial && c.revokedAtMs === 0), 'the bootstrap credential is listed');
    // Another admin revokes it: the next call on it is refused.
    const { creds: root } = await adminLogin('root2');
    const apiRoot = apiClients(t.api, root);
    try {
      await call(apiRoot.admin, 'RevokeAdminCredential', { serial });
    } finally {
      apiRoot.close();
    }
    assert.equal((await rpcError(listUsers(t.adminCreds))).code, grpc.status.PERMISSION_DENIED);
    // Renewed on the controller host: fresh files work, with a bounded lifetime that the controller's clock enforces.
    const dataDir = join(t.dir, 'data');
    await renewAdminCredentials(dataDir, { now: t.now() });
    const renewed = readCreds(join(dataDir, 'admin'));
    await listUsers(renewed);
    t.advance(31 * DAY_MS);
    assert.equal((await rpcError(listUsers(renewed))).code, grpc.status.UNAUTHENTICATED, 'an expired bootstrap credential is refused');
  });

  // Last: the logins it leaves pending hold this source's slots until they expire.
  scenario('a flood of single sign-on starts from one source holds at most the per-source cap of pending logins', async () => metric('wicket_rate_limited_total', { method: 'StartSsoLogin' }), async () => {
    const cap = DEFAULT_SSO_LIMITS.maxPendingPerSource;
    const clients = authClients(t.auth, await fetchPinnedCa(t.auth, t.fingerprint));
    let started = 0;
    const refusals: string[] = [];
    try {
      for (let i = 0; i < cap + 3; i++) {
        try {
          await call(clients.auth, 'StartSsoLogin', { provider: 'corp', csrPem: createCsr(generateKeyPair(), 'flood'), deviceName: 'flood' });
          started++;
        } catch (err) {
          const e = err as grpc.ServiceError;
          assert.equal(e.code, grpc.status.RESOURCE_EXHAUSTED, e.details);
          refusals.push(e.details);
        }
      }
    } finally {
      clients.close();
    }
    assert.ok(started <= cap, `${started} logins left pending from one source (cap ${cap})`);
    assert.ok(refusals.length >= 3 && refusals.every((d) => /pending from this address/.test(d)), `refusals: ${refusals.join('; ')}`);
  });
});
