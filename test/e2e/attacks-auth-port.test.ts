// Attacks by unauthenticated callers on the controller's auth port, against the real
// controller (real SQLite file, real gRPC with real TLS, the real session module and a
// gateway speaking Sync): CSRs whose keys make verification expensive, floods while a live
// session must keep being served, idle and half-open connections, SSO start floods, and
// throttling turned against users. Attackers come from other loopback addresses
// (127.0.0.2 ...) through a byte-for-byte TCP relay bound to that address, so the
// controller sees a different source while TLS stays end to end. Each scenario asserts the
// attack fails and names its evidence (an audit count or a metric), which must grow.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FloodMessage, FloodOptions } from '../../bench/hostile-flood.js';
import * as grpc from '@grpc/grpc-js';
import forge from 'node-forge';
import { apiClients, authClients, call } from '../../common/grpc.js';
import { createCsr, generateKeyPair, type KeyPair } from '../../common/pki.js';
import { openSqlite } from '../../controller/store/sqlite.js';
import { hashPassword } from '../../controller/auth/password.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { providerSchema } from '../../controller/sso/config.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { addUser, codeAt, enrollGateway, FakeGateway, login, rpcError, startTestController, type TestController, LAPTOP_POSTURE } from '../integration/harness.js';
import { DbView, dbPathOf } from '../reliability/dbstate.js';
import { AttackLog, metricSum } from '../reliability/attack-kit.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({ gateways: ['dc1'], groups: { eng: ['alice'] }, resources: { wiki: WIKI }, grants: [grantTo('eng', 'wiki')] });
/** Handshake and idle timeouts of the auth port, short so that the held connections are seen cut. */
const SHORT_TIMEOUT_MS = 2000;
const PER_SOURCE = 32;

/** A TCP relay on 127.0.0.1 whose connections reach `target` from `localAddress`. */
async function relayFrom(target: string, localAddress: string): Promise<{ address: string; close(): void }> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host, port, localAddress });
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => { sockets.delete(s); inbound.destroy(); outbound.destroy(); });
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => { server.close(); for (const s of sockets) s.destroy(); },
  };
}

/** A CSR for `publicKey`, signed with another key: well-formed, and verifying it costs what the key makes it cost. */
function csrWithKey(publicKey: forge.pki.rsa.PublicKey): string {
  const signer = forge.pki.privateKeyFromPem(generateKeyPair().privateKeyPem) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = publicKey;
  csr.setSubject([{ name: 'commonName', value: 'x' }]);
  csr.sign(signer, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/** An RSA key pair made by node with the given modulus and exponent, as PEM. */
function rsaKeys(modulusLength: number, publicExponent: number): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength, publicExponent, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

describe('attacks on the auth port', { timeout: 900_000 }, () => {
  let t: TestController;
  let db: DbView;
  let gateway: FakeGateway;
  const secrets: Record<string, string> = {};
  const relays: { close(): void }[] = [];
  /** Keys are expensive to make: every attempt that does not need its own reuses one. */
  let sharedKeys: KeyPair;
  /** A CSR whose public exponent is a 32,000-bit number (the request stays under the 8 KiB limit). */
  let hugeExponentCsr: string;
  let smallExponentCsr: string;
  let oversizedModulusCsr: string;

  const auditReason = (action: string, reason: string, target?: string) => db.count(
    `SELECT count(*) FROM audit WHERE action = ? AND details_json LIKE '%' || ? || '%'${target ? ' AND target = ?' : ''}`, ...[action, reason, ...(target ? [target] : [])]);
  const metric = (name: string, labels: Record<string, string> = {}) => metricSum(t.controller.ctx.metrics.registry, name, labels);
  const handled = (method: string, code: string) => () => metric('wicket_grpc_server_handled_total', { method, code });
  const attacks = new AttackLog();
  const scenario = attacks.scenario.bind(attacks);
  /** The auth port as seen from another loopback address. */
  const authFrom = async (localAddress: string) => {
    const r = await relayFrom(t.auth, localAddress);
    relays.push(r);
    return r.address;
  };
  const loginFrom = (auth: string, a: Parameters<typeof login>[1]) => login({ ...t, auth }, { keys: sharedKeys, ...a });

  before(async () => {
    t = await startTestController({
      modules: [sessionModule({ ackTimeoutMs: 3000 })],
      start: {
        limits: { auth: { handshakeTimeoutMs: SHORT_TIMEOUT_MS, idleTimeoutMs: SHORT_TIMEOUT_MS, maxConnectionsPerSource: PER_SOURCE } },
        // Nothing listens there: what the controller does before it contacts the provider is what is attacked.
        sso: [{ ...providerSchema.parse({ name: 'corp', issuer: 'http://127.0.0.1:9/', client_id: 'wicket', allow_insecure_http: true }), clientSecret: undefined }],
      },
    });
    for (const u of ['alice', 'bob', 'carol', 'dave']) secrets[u] = await addUser(t, u, `pw-${u} quartz tram`, { groups: ['eng'] });
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    gateway = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gateway.connect();
    db = new DbView(dbPathOf(join(t.dir, 'data')));
    sharedKeys = generateKeyPair();
    const n = forge.pki.publicKeyFromPem(sharedKeys.publicKeyPem) as forge.pki.rsa.PublicKey;
    const eBytes = randomBytes(4000);
    eBytes[0]! |= 0x80;
    eBytes[eBytes.length - 1]! |= 1;
    const hugeE = new forge.jsbn.BigInteger(eBytes.toString('hex'), 16);
    hugeExponentCsr = csrWithKey(forge.pki.setRsaPublicKey(n.n, hugeE));
    assert.ok(Buffer.byteLength(hugeExponentCsr) <= 8192, 'the hostile CSR must pass the request size check');
    smallExponentCsr = createCsr(rsaKeys(2048, 3), 'x');
    oversizedModulusCsr = createCsr(rsaKeys(5120, 65537), 'x');
  });

  after(async () => {
    attacks.report();
    for (const r of relays) r.close();
    gateway?.close();
    db?.close();
    await t?.stop();
  });

  for (const [what, csr] of [['a huge public exponent', () => hugeExponentCsr], ['exponent 3', () => smallExponentCsr], ['a 5120-bit modulus', () => oversizedModulusCsr]] as const) {
    scenario(`a CSR with ${what} is refused before anything is computed over it, on Login, EnrollGateway and StartSsoLogin`, handled('Login', 'INVALID_ARGUMENT'), async () => {
      const a = authClients(t.auth, t.caPem);
      try {
        const errors = [
          await rpcError(call(a.auth, 'Login', { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secrets.alice!), csrPem: csr(), deviceName: 'x' })),
          await rpcError(call(a.auth, 'EnrollGateway', { token: 'A'.repeat(43), csrPem: csr(), wgPublicKey: publicKeyOf(generatePrivateKey()) })),
          await rpcError(call(a.auth, 'StartSsoLogin', { provider: '', csrPem: csr(), deviceName: 'x' })),
        ];
        for (const e of errors) {
          assert.equal(e.code, grpc.status.INVALID_ARGUMENT, `expected INVALID_ARGUMENT, got ${grpc.status[e.code]}: ${e.details}`);
          assert.match(e.details, /^csr_pem: CSR key /);
        }
      } finally {
        a.close();
      }
    });
  }

  scenario('50 hostile requests a second (huge-exponent CSRs, garbage logins) do not stop a live session from being served', handled('Heartbeat', 'OK'), async () => {
    const { creds } = await login(t, { username: 'alice', password: 'pw-alice quartz tram', totpCode: await codeAt(t, secrets.alice!, 1), keys: sharedKeys });
    const api = apiClients(t.api, creds);
    try {
      const s = await call(api.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });
      const sessionId = s.session!.id;
      // The flood runs on its own event loop (a worker), so "while it lasts" does not depend on the controller.
      const flood = new Worker(new URL('../../bench/hostile-flood.js', import.meta.url), {
        workerData: { auth: await authFrom('127.0.0.2'), caPem: t.caPem, csrPem: hugeExponentCsr, count: 100, perSecond: 50 } satisfies FloodOptions,
      });
      let flooding = true;
      const done = new Promise<string[]>((resolve, reject) => {
        flood.on('message', (m: FloodMessage) => {
          if (m.kind === 'sent') flooding = false;
          else resolve(m.codes);
        });
        flood.on('error', reject);
      });
      let answered = 0;
      while (flooding) {
        await call(api.client, 'Heartbeat', { sessionId, posture: LAPTOP_POSTURE });
        answered++;
        await new Promise((r) => setTimeout(r, 20));
      }
      const codes = await done;
      await flood.terminate();
      assert.deepEqual([...new Set(codes)], ['INVALID_ARGUMENT'], `every hostile request is refused INVALID_ARGUMENT (got ${[...new Set(codes)].join(', ')})`);
      assert.ok(answered >= 20, `the live session's heartbeats kept being answered while the 100 hostile requests arrived (answered ${answered})`);
      // The controller is still whole: the session's next heartbeat is answered.
      await call(api.client, 'Heartbeat', { sessionId, posture: LAPTOP_POSTURE });
    } finally {
      api.close();
    }
  });

  scenario('1,000 idle and half-open TLS connections from one source do not stop a real user from logging in', () => metric('wicket_tls_connections_refused_total', { listener: 'auth', reason: 'per_source' }), async () => {
    const [host, port] = [t.auth.split(':')[0]!, Number(t.auth.split(':')[1])];
    let closedByServer = 0;
    const stillOpen = new Set([...Array(1000).keys()]);
    const sockets: net.Socket[] = [];
    const opened = [...Array(1000)].map((_, i) => new Promise<void>((resolve) => {
      // Half of them never send a byte; the other half finish the TLS handshake and then say nothing.
      const s: net.Socket = i % 2 === 0
        ? net.connect({ host, port, localAddress: '127.0.0.3' })
        : tls.connect({ socket: net.connect({ host, port, localAddress: '127.0.0.3' }), ca: t.caPem, servername: 'localhost', ALPNProtocols: ['h2'] });
      sockets.push(s);
      s.on('error', () => undefined);
      // Read whatever the controller sends (its HTTP/2 settings), so its hang-up is seen.
      s.resume();
      s.once(i % 2 === 0 ? 'connect' : 'secureConnect', () => resolve());
      s.once('close', () => { closedByServer++; stillOpen.delete(i); resolve(); });
    }));
    try {
      await Promise.all(opened);
      const { res } = await login(t, { username: 'bob', password: 'pw-bob quartz tram', totpCode: await codeAt(t, secrets.bob!), keys: sharedKeys });
      assert.equal(res.username, 'bob');
      assert.ok(closedByServer >= 1000 - PER_SOURCE, `the controller held at most ${PER_SOURCE} of the attacker's connections (closed ${closedByServer} of 1000)`);
      // The ones it held are cut when their handshake does not finish, or when the connection stays idle.
      for (let i = 0; i < 100 && closedByServer < 1000; i++) await new Promise((r) => setTimeout(r, 200));
      const open = [...stillOpen];
      assert.equal(closedByServer, 1000, `every idle or half-open connection was eventually closed by the controller (still open: ${open.filter((i) => i % 2 === 0).length} half-open, ${open.filter((i) => i % 2 === 1).length} TLS)`);
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  scenario('an SSO start flood from one source is throttled before it reaches the provider', () => metric('wicket_rate_limited_total', { method: 'StartSsoLogin' }), async () => {
    const a = authClients(await authFrom('127.0.0.4'), t.caPem);
    try {
      const csrPem = createCsr(sharedKeys, 'x');
      const codes: string[] = [];
      for (let i = 0; i < 40; i++) codes.push(grpc.status[(await rpcError(call(a.auth, 'StartSsoLogin', { provider: '', csrPem, deviceName: 'x' }))).code]!);
      assert.ok(codes.includes('RESOURCE_EXHAUSTED'), `the flood was throttled (codes: ${[...new Set(codes)].join(', ')})`);
      assert.ok(codes.filter((c) => c === 'UNAVAILABLE').length <= 20, 'at most the burst reached the provider');
    } finally {
      a.close();
    }
  });

  scenario("an attacker hammering a user's name from one source cannot lock that user out elsewhere", () => Promise.resolve(auditReason('login.fail', 'locked out', 'carol')), async () => {
    const attacker = await authFrom('127.0.0.5');
    for (let i = 0; i < 12; i++) {
      const e = await rpcError(loginFrom(attacker, { username: 'carol', password: `guess-${i}`, totpCode: '000000' }));
      assert.equal(e.code, grpc.status.UNAUTHENTICATED);
    }
    const { res } = await login(t, { username: 'carol', password: 'pw-carol quartz tram', totpCode: await codeAt(t, secrets.carol!), keys: sharedKeys });
    assert.equal(res.username, 'carol');
    // The attacker's source stays locked, even with the right password.
    const still = await rpcError(loginFrom(attacker, { username: 'carol', password: 'pw-carol quartz tram', totpCode: await codeAt(t, secrets.carol!, 1) }));
    assert.equal(still.code, grpc.status.UNAUTHENTICATED);
  });

  scenario('guessing one user from many sources slows that user down but never locks them out', () => Promise.resolve(auditReason('login.ok', 'password', 'dave')), async () => {
    for (const source of ['127.0.0.6', '127.0.0.7', '127.0.0.8']) {
      const attacker = await authFrom(source);
      for (let i = 0; i < 5; i++) await rpcError(loginFrom(attacker, { username: 'dave', password: `guess-${i}`, totpCode: '000000' }));
    }
    const { res } = await login(t, { username: 'dave', password: 'pw-dave quartz tram', totpCode: await codeAt(t, secrets.dave!), keys: sharedKeys });
    assert.equal(res.username, 'dave');
  });

  scenario('password spraying over many users from one source is throttled', () => Promise.resolve(auditReason('login.fail', 'rate limited')), async () => {
    const attacker = await authFrom('127.0.0.9');
    const a = authClients(attacker, t.caPem);
    try {
      const csrPem = createCsr(sharedKeys, 'x');
      const before = auditReason('login.fail', 'rate limited');
      for (let i = 0; i < 40; i++) {
        const e = await rpcError(call(a.auth, 'Login', { username: `user${i}`, password: 'Summer2026!', totpCode: '000000', csrPem, deviceName: 'x' }));
        assert.equal(e.code, grpc.status.UNAUTHENTICATED);
      }
      const limited = auditReason('login.fail', 'rate limited') - before;
      assert.ok(limited >= 10, `attempts past the burst of 20 are refused without a password check (${limited} of 40)`);
    } finally {
      a.close();
    }
  });

  scenario('a password hash with old scrypt parameters is upgraded at the next login, and still logs in', async () => db.count("SELECT count(*) FROM users WHERE password_hash LIKE 'scrypt$131072$8$1$%'"), async () => {
    const name = 'erin';
    secrets[name] = await addUser(t, name, `pw-${name} quartz tram`);
    const rw = openSqlite(dbPathOf(join(t.dir, 'data')));
    try {
      rw.prepare('UPDATE users SET password_hash = ? WHERE name = ?').run(await hashPassword(`pw-${name} quartz tram`, { N: 1 << 14, r: 8, p: 1 }), name);
    } finally {
      rw.close();
    }
    assert.equal(db.count("SELECT count(*) FROM users WHERE name = ? AND password_hash LIKE 'scrypt$16384$%'", name), 1);
    await login(t, { username: name, password: `pw-${name} quartz tram`, totpCode: await codeAt(t, secrets[name]!), keys: sharedKeys });
    assert.equal(db.count("SELECT count(*) FROM users WHERE name = ? AND password_hash LIKE 'scrypt$131072$8$1$%'", name), 1, 'the stored hash now has the current parameters');
    const again = await login(t, { username: name, password: `pw-${name} quartz tram`, totpCode: await codeAt(t, secrets[name]!, 1), keys: sharedKeys });
    assert.equal(again.res.username, name);
  });
});
