// Single sign-on against a real OpenID provider (oidc-provider, started here on loopback
// with the device flow) over real gRPC + TLS and a real SQLite file: a device-flow login
// gives a working certificate; ID tokens from another issuer, for another audience, expired
// or badly signed are refused; the group claim drives entitlements (and a group change at
// the provider reaches live sessions at the next login); `amr` without MFA does not satisfy
// `require: { mfa: true }`; disabled or not pre-created users cannot log in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { SignJWT, decodeJwt } from 'jose';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, fetchPinnedCa, generateKeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { parseSsoConfig } from '../../controller/sso/config.js';
import { approveDevice, signingKey, startTestProvider, testProviderConfig, type TestProvider } from '../support/oidc-test-provider.js';
import { addUser, enrollGateway, FakeGateway, rpcError, startTestController, type TestController } from './harness.js';
import { DB, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  resources: { wiki: WIKI, db: DB },
  grants: [
    { name: 'eng-wiki', to: ['group:idp:eng'], resources: ['wiki'] },
    { name: 'eng-db', to: ['group:idp:eng'], resources: ['db'], require: '{ mfa: true }' },
  ],
});

const CLIENT = { clientId: 'wicket', clientSecret: 'device-flow-secret' };

/** Starts SSO login for the device key, approves it at the provider as `account`, polls to the end. */
async function ssoLogin(t: TestController, provider: string, account: string, password: string, opts: { approve?: boolean } = {}) {
  const caPem = await fetchPinnedCa(t.auth, t.fingerprint);
  const keys = generateKeyPair();
  const clients = authClients(t.auth, caPem);
  try {
    const start = await call(clients.auth, 'StartSsoLogin', { provider, csrPem: createCsr(keys, account), deviceName: 'laptop' });
    if (opts.approve ?? true) await approveDevice(start.verificationUri, start.userCode, account, password);
    for (;;) {
      const r = await call(clients.auth, 'PollSsoLogin', { loginId: start.loginId });
      if (!r.pending) {
        const res = r.login!;
        return { start, res, creds: { caPem: res.caPem, certPem: res.certificatePem, keyPem: keys.privateKeyPem } satisfies ClientCredentials };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    clients.close();
  }
}

/** A gateway connected over Sync that acknowledges every version; returns its closer. */
async function connectGateway(t: TestController, name: string): Promise<() => void> {
  const gw = new FakeGateway(t, await enrollGateway(t, name));
  gw.connect();
  await gw.next((m) => !!m.snapshot);
  return () => gw.close();
}

describe('single sign-on with the device flow', () => {
  let t: TestController;
  let op: TestProvider;
  let closeGateway: () => void;

  before(async () => {
    op = await startTestProvider({
      clients: [CLIENT],
      accounts: {
        alice: { password: 'alice-pw', email: 'Alice@Example.com', groups: ['eng', 'has space'], amr: ['pwd', 'otp'] },
        carol: { password: 'carol-pw quartz tram', email: 'carol@example.com', groups: ['eng'], amr: ['pwd'] },
        bob: { password: 'bob-pw', email: 'bob@example.com', groups: ['sales'], amr: ['pwd', 'mfa'] },
        dave: { password: 'dave-pw quartz tram', email: 'dave@example.com', groups: ['eng'], amr: ['otp'] },
        erin: { password: 'erin-pw quartz tram', email: 'erin@other.org', groups: ['eng'], amr: ['otp'] },
      },
    });
    const providers = parseSsoConfig(`providers:
${testProviderConfig(op.issuer, CLIENT.clientId)}  - name: strict
    issuer: ${op.issuer}
    client_id: ${CLIENT.clientId}
    client_secret_file: corp.secret
    scopes: [openid, email, groups]
    provisioning: existing
    allow_insecure_http: true
`, '/etc/wicket', () => CLIENT.clientSecret);
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 })], start: { sso: providers } });
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    assert.ok(applied.version > 0, JSON.stringify(applied.check));
    closeGateway = await connectGateway(t, 'dc1');
  });
  after(async () => {
    closeGateway();
    await t.stop();
    await op.close();
  });

  async function grantsOf(creds: ClientCredentials): Promise<string[]> {
    const api = apiClients(t.api, creds);
    try {
      const r = await call(api.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: null, ackTimeoutMs: 3000 });
      return [...new Set(r.session!.entitlements.map((e) => e.grant))].sort();
    } finally {
      api.close();
    }
  }

  test('a device-flow login provisions the user and yields a working certificate; groups and MFA drive entitlements', async () => {
    const { start, res, creds } = await ssoLogin(t, 'corp', 'alice', 'alice-pw');
    assert.match(start.verificationUri, /\/device$/);
    assert.match(start.userCode, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(res.username, 'alice@example.com');
    assert.match(res.deviceId, /^[0-9a-f]{32}$/);
    assert.ok(res.expiresAtMs > Date.now());
    const users = await call(t.admin.admin, 'ListUsers', {});
    assert.ok(users.users.some((u) => u.name === 'alice@example.com' && !u.disabled));
    // In group eng with amr otp: the MFA-only grant too.
    assert.deepEqual(await grantsOf(creds), ['eng-db', 'eng-wiki']);
  });

  test('amr without an MFA method does not satisfy require: { mfa: true }', async () => {
    const { creds } = await ssoLogin(t, 'corp', 'carol', 'carol-pw quartz tram');
    assert.deepEqual(await grantsOf(creds), ['eng-wiki']);
  });

  test('a user outside the granted IdP group gets nothing', async () => {
    const { creds } = await ssoLogin(t, 'corp', 'bob', 'bob-pw');
    const err = await rpcError(grantsOf(creds));
    assert.equal(err.code, grpc.status.PERMISSION_DENIED);
    assert.match(err.details, /no resources granted/);
  });

  test('a group change at the provider reaches live sessions at the next login', async () => {
    const first = await ssoLogin(t, 'corp', 'dave', 'dave-pw quartz tram');
    const api = apiClients(t.api, first.creds);
    try {
      const r = await call(api.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: null, ackTimeoutMs: 3000 });
      assert.ok(r.session!.entitlements.some((e) => e.grant === 'eng-wiki'));
      op.accounts.dave!.groups = ['sales'];
      await ssoLogin(t, 'corp', 'dave', 'dave-pw quartz tram');
      let state = '';
      for (let i = 0; i < 50 && state !== 'revoked'; i++) {
        const list = await call(t.admin.admin, 'ListSessions', { user: 'dave@example.com', all: true });
        state = list.sessions.find((s) => s.id === r.session!.id)?.state ?? '';
        if (state !== 'revoked') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(state, 'revoked', 'the live session lost its only grants');
    } finally {
      api.close();
    }
  });

  test('an e-mail domain that is not allowed is refused', async () => {
    const err = await rpcError(ssoLogin(t, 'corp', 'erin', 'erin-pw quartz tram'));
    assert.equal(err.code, grpc.status.UNAUTHENTICATED);
  });

  test('with provisioning: existing, only pre-created users log in; a disabled user cannot', async () => {
    op.accounts.gina = { password: 'gina-pw', email: 'gina@example.com', groups: ['eng'], amr: ['otp'] };
    const unknown = await rpcError(ssoLogin(t, 'strict', 'gina', 'gina-pw'));
    assert.equal(unknown.code, grpc.status.UNAUTHENTICATED);
    assert.ok(!(await call(t.admin.admin, 'ListUsers', {})).users.some((u) => u.name === 'gina@example.com'), 'not provisioned');
    await addUser(t, 'frank@example.com', 'frank-password');
    op.accounts.frank = { password: 'frank-pw', email: 'frank@example.com', groups: ['eng'], amr: ['otp'] };
    // A password account is reached through SSO only once an admin linked the subject to it.
    const unlinked = await rpcError(ssoLogin(t, 'strict', 'frank', 'frank-pw'));
    assert.equal(unlinked.code, grpc.status.UNAUTHENTICATED);
    await call(t.admin.admin, 'LinkUser', { name: 'frank@example.com', provider: 'strict', subject: 'frank' });
    const ok = await ssoLogin(t, 'strict', 'frank', 'frank-pw');
    assert.equal(ok.res.username, 'frank@example.com');
    await call(t.admin.admin, 'SetUserDisabled', { name: 'frank@example.com', disabled: true });
    const disabled = await rpcError(ssoLogin(t, 'strict', 'frank', 'frank-pw'));
    assert.equal(disabled.code, grpc.status.UNAUTHENTICATED);
    assert.equal(disabled.details, 'invalid credentials');
    const audit = await call(t.admin.admin, 'ListAudit', { actionPrefix: 'login.fail', limit: 100, afterId: 0 });
    assert.ok(audit.records.some((r) => /user frank@example.com is disabled/.test(r.detailsJson)), 'the reason is audited');
  });

  describe('forged ID tokens are refused', () => {
    const other = signingKey();
    const resign = async (key: { privateKey: import('node:crypto').KeyObject; kid: string }, edit: (c: Record<string, unknown>) => void) => async (token: string) => {
      const claims = decodeJwt(token) as Record<string, unknown>;
      edit(claims);
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
    };
    // Each case is refused for its own reason (the audit record says which check failed).
    const cases: [string, () => Promise<(token: string) => Promise<string>>, RegExp][] = [
      ['another issuer', () => resign(other, (c) => { c.iss = 'http://127.0.0.1:1/other'; }), /"iss"/],
      ['another audience', () => resign(op.key, (c) => { c.aud = 'someone-else'; }), /"aud"/],
      ['expired', () => resign(op.key, (c) => { c.iat = Math.floor(Date.now() / 1000) - 7200; c.exp = Math.floor(Date.now() / 1000) - 3600; }), /"exp"/],
      ['a bad signature (unknown key posing as the provider\'s)', () => resign({ privateKey: other.privateKey, kid: op.key.kid }, () => undefined), /signature/i],
    ];
    test('control: the same token re-signed with the provider\'s own key is accepted', async () => {
      const { res } = await forgedLogin(t, op, await resign(op.key, () => undefined));
      assert.equal(res.username, 'alice@example.com');
    });
    for (const [name, rewriter, reason] of cases) {
      test(name, async () => {
        const err = await rpcError(forgedLogin(t, op, await rewriter()));
        assert.equal(err.code, grpc.status.UNAUTHENTICATED);
        assert.equal(err.details, 'invalid credentials');
        const audit = await call(t.admin.admin, 'ListAudit', { actionPrefix: 'login.fail', limit: 1000, afterId: 0 });
        const last = audit.records.at(-1)!;
        assert.match(JSON.parse(last.detailsJson).reason as string, reason);
      });
    }
  });
});

/**
 * A login whose ID token is replaced by a forged one: the signing key pair is known before
 * the token exists, so the rewrite hook forges synchronously from a pre-signed template.
 */
async function forgedLogin(t: TestController, op: TestProvider, rewrite: (token: string) => Promise<string>) {
  // The provider signs synchronously inside its response; jose signs asynchronously, so the
  // hook returns a token prepared from a probe token of the same account.
  const probe = await probeToken(op);
  const forged = await rewrite(probe);
  op.rewriteIdToken = () => forged;
  try {
    return await ssoLogin(t, 'corp', 'alice', 'alice-pw');
  } finally {
    op.rewriteIdToken = undefined;
  }
}

/** An ID token of alice as the provider issues them (fetched with a device flow of its own). */
async function probeToken(op: TestProvider): Promise<string> {
  const oidc = await import('openid-client');
  const config = await oidc.discovery(new URL(op.issuer), CLIENT.clientId, undefined, oidc.ClientSecretBasic(CLIENT.clientSecret), { execute: [oidc.allowInsecureRequests] });
  const device = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email groups' });
  await approveDevice(device.verification_uri, device.user_code, 'alice', 'alice-pw');
  const tokens = await oidc.pollDeviceAuthorizationGrant(config, device);
  return tokens.id_token!;
}
