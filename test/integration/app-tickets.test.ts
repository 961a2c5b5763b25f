// Sign-in tickets for browsers without the tunnel, against a real controller (real SQLite,
// the applied policy, a real browser login's certificate) and checked by the gateway's own
// verifier: the contract between controller/app-access/ and gateway/clientless/. A ticket
// carries what the user may ask without the tunnel; a grant requiring the tunnel gives
// nothing; a disabled user or a blocked browser device gets no ticket.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { call } from '../../common/grpc.js';
import { serviceModules } from '../../controller/app/modules.js';
import { AppTickets, type BrowserLogin } from '../../controller/app-access/tickets.js';
import { ticketSigner } from '../../controller/app-access/ticket-signer.js';
import { CONTROLLER_KEY_OWNER } from '../../controller/assertion-keys/assertion-keys.js';
import { DomainError } from '../../controller/errors.js';
import { parsePolicy } from '../../controller/policy/index.js';
import { TicketVerifier } from '../../gateway/clientless/ticket.js';
import { addUser, codeAt, enrollGateway, login, startTestController, type TestController } from './harness.js';

const POLICY = `gateways: [dc1]
groups:
  engineering: [alice, bob]
resources:
  wiki:
    http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example, public: true }
    gateway: dc1
  grafana:
    http: { upstream: "http://10.20.0.11:3000", hostname: grafana.corp.example, public: true }
    gateway: dc1
grants:
  - name: eng-wiki-read
    to: [group:engineering]
    resources: [wiki]
    http: { methods: [GET], paths: ["/docs/**"] }
  - name: grafana-tunnel-only
    to: [group:engineering]
    resources: [grafana]
    require: { tunnel: true }
`;

const PASSWORD = 'pw-alice quartz tram';

describe('sign-in tickets for browsers without the tunnel', () => {
  let t: TestController;
  let tickets: AppTickets;
  let browser: BrowserLogin;
  let verifier: TicketVerifier;

  before(async () => {
    t = await startTestController({ modules: serviceModules() });
    const secret = await addUser(t, 'alice', PASSWORD);
    await enrollGateway(t, 'dc1');
    const applied = await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    assert.ok(applied.version > 0, JSON.stringify(applied.check));
    const parsed = parsePolicy(POLICY);
    assert.ok(parsed.ok);
    const { ctx } = t.controller;
    tickets = new AppTickets({
      store: ctx.store, policy: () => parsed.policy, now: t.now,
      sign: ticketSigner({ signingKey: () => ctx.assertionKeys.signingKey(CONTROLLER_KEY_OWNER), issuer: () => ctx.config.issuer, now: t.now }),
    });
    const { res } = await login(t, { username: 'alice', password: PASSWORD, totpCode: await codeAt(t, secret), deviceName: 'browser' });
    browser = { user: 'alice', deviceId: res.deviceId, certSerial: new X509Certificate(res.certificatePem).serialNumber.toLowerCase(), sessionId: 'access-1' };
    verifier = new TicketVerifier(t.now);
    verifier.configure(await ctx.assertionKeys.controllerJwksJson(), ctx.config.issuer);
  });

  after(() => t?.stop());

  const refusal = async (p: Promise<unknown>): Promise<DomainError> => {
    try {
      await p;
    } catch (err) {
      if (err instanceof DomainError) return err;
      throw err;
    }
    throw new Error('expected a refusal');
  };

  test('a ticket carries the user, groups, device and the grants that need no tunnel; the gateway accepts it once', async () => {
    const ticket = await tickets.issue(browser, 'wiki.corp.example');
    const claims = await verifier.verify(ticket, 'wiki.corp.example');
    assert.equal(claims.sub, 'alice');
    assert.deepEqual(claims.groups, ['engineering']);
    assert.equal(claims.device, browser.deviceId);
    assert.equal(claims.sid, 'access-1');
    assert.equal(claims.res, 'wiki');
    assert.deepEqual(claims.grants, [{ grant: 'eng-wiki-read', methods: ['GET'], paths: ['/docs/**'] }]);
    await assert.rejects(verifier.verify(ticket, 'wiki.corp.example'), /used already/);
    await assert.rejects(verifier.verify(await tickets.issue(browser, 'wiki.corp.example'), 'grafana.corp.example'), /aud/);
  });

  test('a grant that requires the tunnel gives a browser no ticket; an unknown hostname is not found', async () => {
    const e = await refusal(tickets.issue(browser, 'grafana.corp.example'));
    assert.equal(e.kind, 'permission_denied');
    assert.match(e.message, /requires the tunnel/);
    assert.equal((await refusal(tickets.issue(browser, 'nope.corp.example'))).kind, 'not_found');
  });

  test('a blocked browser device, then a disabled user, get no ticket', async () => {
    await call(t.admin.admin, 'BlockDevice', { id: browser.deviceId, reason: 'lost' });
    const blocked = await refusal(tickets.issue(browser, 'wiki.corp.example'));
    assert.equal(blocked.kind, 'unauthenticated');
    assert.match(blocked.message, /blocked/);
    await call(t.admin.admin, 'SetUserDisabled', { name: 'alice', disabled: true });
    const disabled = await refusal(tickets.issue(browser, 'wiki.corp.example'));
    assert.equal(disabled.kind, 'unauthenticated');
  });
});
