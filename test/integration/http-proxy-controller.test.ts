// The controller's side of the identity-aware proxy over real gRPC with mutual TLS and a real
// SQLite file: a gateway's Sync brings its config (service address, its HTTP resources, a
// signing key whose public half both listeners publish at /.well-known/jwks.json); a session
// entitled to an HTTP resource gets the rule to the proxy and its HttpGrants; policy applies
// change them by delta (config first); a rotation sends a config delta and the old key stays
// published for the overlap; a gateway without a service address gets one at its Hello.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createLocalJWKSet, importPKCS8, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { parsePool } from '../../controller/sessions/ipam.js';
import { KEY_LIFETIME_MS } from '../../controller/assertion-keys/assertion-keys.js';
import type { GatewayConfig__Output } from '../../proto/generated/wicket/v1/GatewayConfig.js';
import { addUser, codeAt, enrollGateway, FakeGateway, login, startTestController, type TestController } from './harness.js';

const ISSUER = 'https://controller.corp.example';

const policy = (paths: string, extra = '', extraGrants = '') => `groups:
  eng: [alice]
resources:
  wiki:
    http: { upstream: "http://10.20.0.10:8080", hostname: wiki.corp.example }
    gateway: dc1
  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: dc1 }
${extra}grants:
  - name: eng-wiki-read
    to: [group:eng]
    resources: [wiki]
    http: { methods: [GET, HEAD], paths: [${paths}] }
  - name: eng-db
    to: [group:eng]
    resources: [db]
${extraGrants}`;
const APP = `  app:
    http: { upstream: "http://10.30.0.10:8080", hostname: app.corp.example }
    gateway: dc2
`;
const APP_GRANT = `  - name: eng-app
    to: [group:eng]
    resources: [app]
`;
const GRAFANA = `  grafana:
    http: { upstream: "http://10.20.0.11:3000", hostname: grafana.corp.example, public: true }
    gateway: dc1
`;

/** GET over real HTTP(S); the console's certificate chains to the controller's CA. */
function fetchText(url: string, caPem: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const done = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca: caPem, checkServerIdentity: () => undefined }, done) : httpGet(url, done);
    req.on('error', reject);
  });
}

describe('the controller side of HTTP resources', () => {
  let t: TestController;
  let dc1: FakeGateway;
  let alice: ReturnType<typeof apiClients>;
  let jwksUrls: string[];

  const jwks = async (): Promise<JSONWebKeySet[]> => Promise.all(jwksUrls.map(async (url) => {
    const r = await fetchText(url, t.caPem);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type']?.toString().split(';')[0], 'application/json');
    assert.equal(r.headers['cache-control'], 'public, max-age=300');
    return JSON.parse(r.body) as JSONWebKeySet;
  }));
  const configOf = (m: { snapshot?: { config?: GatewayConfig__Output | null } | null; delta?: { config?: GatewayConfig__Output | null } | null }) => m.snapshot?.config ?? m.delta?.config ?? null;

  before(async () => {
    t = await startTestController({
      modules: [sessionModule({ ackTimeoutMs: 3000 })],
      // A small pool: the gateway takes its top address, the session must not get it.
      start: { console: { listen: '127.0.0.1:0' }, metricsListen: '127.0.0.1:0', issuer: ISSUER, sessions: { pool: parsePool('100.64.0.0/29') } },
    });
    const c = t.controller;
    jwksUrls = [`https://127.0.0.1:${c.consolePort}/.well-known/jwks.json`, `http://127.0.0.1:${c.metricsPort}/.well-known/jwks.json`];
    const secret = await addUser(t, 'alice', 'pw-alice quartz tram');
    const l = await login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secret) });
    alice = apiClients(t.api, l.creds);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy('"/docs/*"') });
    dc1 = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    dc1.connect();
  });

  after(async () => {
    alice?.close();
    dc1?.close();
    await t?.stop();
  });

  test('the snapshot carries the config: service address, HTTP resources, a key published in both JWKS', async () => {
    const snap = await dc1.next((m) => Boolean(m.snapshot));
    const config = configOf(snap)!;
    assert.equal(config.serviceAddress, '100.64.0.6', 'the top of 100.64.0.0/29');
    assert.deepEqual(config.httpResources, [{ name: 'wiki', upstream: 'http://10.20.0.10:8080', hostname: 'wiki.corp.example', public: false }]);
    assert.equal(config.issuer, ISSUER);
    // Browsers are sent where the issuer says the controller is (the console may listen on a wildcard address).
    assert.equal(config.signInUrl, `${ISSUER}/access/sign-in`);
    const controllerKeys = (JSON.parse(config.controllerJwks) as JSONWebKeySet).keys;
    assert.equal(controllerKeys.length, 1);
    const { kid, privateKeyPem } = config.signingKey!;
    assert.match(privateKeyPem, /BEGIN PRIVATE KEY/);
    // A JWT the gateway signs verifies against the JWKS fetched from either listener.
    const jwt = await new SignJWT({ groups: ['eng'] }).setProtectedHeader({ alg: 'ES256', kid }).setIssuer(ISSUER).setAudience('wiki')
      .setSubject('alice').setExpirationTime('60s').sign(await importPKCS8(privateKeyPem, 'ES256'));
    for (const doc of await jwks()) {
      assert.deepEqual(doc.keys.map((k) => k.kid).sort(), [kid, controllerKeys[0].kid].sort());
      assert.ok(doc.keys.every((k) => k.alg === 'ES256' && k.use === 'sig' && !('d' in k)), 'public halves only');
      const { payload } = await jwtVerify(jwt, createLocalJWKSet(doc), { issuer: ISSUER, audience: 'wiki' });
      assert.equal(payload.sub, 'alice');
    }
    // No other path is served on the metrics listener's JWKS neighbour.
    assert.equal((await fetchText(`http://127.0.0.1:${t.controller.metricsPort}/.well-known/other`, t.caPem)).status, 404);
  });

  let sessionId = '';
  test('a session entitled to an HTTP resource gets the rule to the proxy, its HttpGrants and groups', async () => {
    const from = dc1.received.length;
    const r = await call(alice.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: null, ackTimeoutMs: 0 });
    sessionId = r.session!.id;
    assert.notEqual(r.session!.overlayAddress, '100.64.0.6', 'never the gateway\'s address');
    const wiki = r.session!.entitlements.find((e) => e.resource === 'wiki')!;
    assert.equal(wiki.destination, '100.64.0.6');
    assert.deepEqual(wiki.http, { hostname: 'wiki.corp.example', methods: ['GET', 'HEAD'], paths: ['/docs/*'] });
    assert.ok(r.gateways[0].allowedIps.includes('100.64.0.6/32'), 'the client routes the proxy');
    const delta = await dc1.next((m) => Boolean(m.delta?.upserts.some((u) => u.id === sessionId)), from);
    const entry = delta.delta!.upserts.find((u) => u.id === sessionId)!;
    assert.ok(entry.rules.some((x) => x.destination === '100.64.0.6/32' && x.protocol === 'tcp' && x.portFrom === 80 && x.portTo === 80));
    assert.deepEqual(entry.httpGrants.map((g) => [g.resource, g.grant, g.access?.paths]), [['wiki', 'eng-wiki-read', ['/docs/*']]]);
    assert.ok(entry.httpGrants[0].expiresAtMs <= entry.expiresAtMs);
    assert.deepEqual(entry.groups, ['eng']);
  });

  test('a policy apply changing the paths sends a delta with the new HttpGrants', async () => {
    const from = dc1.received.length;
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy('"/docs/**", "/static/*"') });
    const delta = await dc1.next((m) => Boolean(m.delta?.upserts.some((u) => u.id === sessionId)), from);
    assert.deepEqual(delta.delta!.upserts.find((u) => u.id === sessionId)!.httpGrants[0].access?.paths, ['/docs/**', '/static/*']);
    assert.equal(dc1.received.slice(from).some((m) => configOf(m)), false, 'the config did not change: no config delta');
  });

  test('a policy apply adding an HTTP resource sends a config delta, before any session change', async () => {
    const from = dc1.received.length;
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy('"/docs/**", "/static/*"', GRAFANA) });
    const delta = await dc1.next((m) => Boolean(configOf(m)), from);
    assert.deepEqual(configOf(delta)!.httpResources.map((r) => [r.name, r.public]), [['grafana', true], ['wiki', false]]);
    assert.equal(delta.delta!.upserts.length, 0);
  });

  let dc2Creds: Awaited<ReturnType<typeof enrollGateway>>;
  test('a gateway without a service address gets one at its Hello; live sessions are decided again with it', async () => {
    dc2Creds = await enrollGateway(t, 'dc2');
    // As if enrolled before service addresses existed.
    await t.controller.ctx.store.gateways.setServiceAddress('dc2', '');
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy('"/docs/**", "/static/*"', GRAFANA + APP, APP_GRANT) });
    const before = await call(t.admin.admin, 'ListSessions', { id: sessionId });
    assert.equal(before.sessions[0].entitlements.some((e) => e.resource === 'app'), false, 'no service address: no entitlement');
    const dc2 = new FakeGateway(t, dc2Creds);
    try {
      dc2.connect();
      const snap = await dc2.next((m) => Boolean(m.snapshot));
      assert.equal(configOf(snap)!.serviceAddress, '100.64.0.5', 'the highest free one below dc1\'s');
      assert.deepEqual(configOf(snap)!.httpResources.map((r) => r.name), ['app']);
      const entry = snap.snapshot!.sessions.find((x) => x.id === sessionId);
      assert.ok(entry, 'alice\'s session, decided again at the Hello, is in dc2\'s first snapshot');
      assert.deepEqual(entry.httpGrants.map((g) => g.resource), ['app']);
      assert.ok(entry.rules.some((x) => x.destination === '100.64.0.5/32' && x.portFrom === 80));
    } finally {
      dc2.close();
    }
  });

  test('rotation sends the connected gateway a config delta; the old key stays in the JWKS for the overlap', async () => {
    const before = configOf(dc1.received.find((m) => m.snapshot)!)!.signingKey!.kid;
    const from = dc1.received.length;
    t.advance(KEY_LIFETIME_MS);
    // A Sync start checks rotation: another gateway connecting rotates every key that is due.
    const dc2 = new FakeGateway(t, dc2Creds);
    try {
      dc2.connect();
      const delta = await dc1.next((m) => configOf(m)?.signingKey?.kid !== undefined && configOf(m)!.signingKey!.kid !== before, from);
      const after = configOf(delta)!;
      assert.equal(JSON.parse(after.controllerJwks).keys.length, 2, 'the controller\'s old and new keys');
      for (const doc of await jwks()) {
        const kids = doc.keys.map((k) => k.kid);
        assert.ok(kids.includes(before) && kids.includes(after.signingKey!.kid), 'old and new dc1 keys published');
      }
      const audit = await t.controller.ctx.store.db.selectFrom('audit').select('target').where('action', '=', 'assertion_key.rotate').execute();
      assert.ok(audit.some((a) => a.target === 'gateway:dc1'));
    } finally {
      dc2.close();
    }
  });
});
