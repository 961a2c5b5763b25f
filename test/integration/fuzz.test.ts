// Hostile input against every RPC of the real controller (real SQLite file, real gRPC with
// mutual TLS, the real session and telemetry modules): at least 10,000 random, byte-mutated
// and field-mutated messages per service (Auth, Client, Gateway, Admin), messages over the
// transport limit, and random and mutated policy files. Every reply must be a clear gRPC
// status, no handler may fail unexpectedly, the controller must keep serving, and a batch in
// which no state-changing request succeeded must leave the database exactly as it was.
// WICKET_FUZZ_PER_SERVICE raises the count (soak); WICKET_FUZZ_SEED replays a run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, fetchPinnedCa, generateKeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { credentialFiles, initDataDir } from '../../controller/app/datadir.js';
import { startController, type RunningController } from '../../controller/app/start.js';
import { totpCode } from '../../controller/auth/totp.js';
import { casesFor, policyCases } from '../reliability/mutate.js';
import { methodsOf, RawChannel, unclear, type MethodInfo, type Outcome, type ServiceName } from '../reliability/wire.js';
import { DbView, dbPathOf } from '../reliability/dbstate.js';

const PER_SERVICE = Number(process.env.WICKET_FUZZ_PER_SERVICE ?? 10_000);
const SEED = Number(process.env.WICKET_FUZZ_SEED ?? 20_240_611);
const WINDOW = 16;
/** Requests per stream for the streaming methods (each one counts as a message). */
const FRAMES_PER_STREAM = 4;

const POLICY = `gateways: [dc1]
groups:
  eng: [fuzzer, victim]
resources:
  wiki: { address: 10.20.0.10, ports: [tcp/443, udp/53], gateway: dc1 }
  db: { address: 10.20.1.0/24, ports: [tcp/5432], gateway: dc1 }
grants:
  - name: eng-wiki
    to: [group:eng]
    resources: [wiki, db]
tests:
  - user: fuzzer
    allow: [wiki:tcp/443]
`;

/** Methods whose success changes the fingerprinted state (a gateway's Sync and Report only move connection state and telemetry). */
const MUTATING = new Set(['Login', 'EnrollGateway', 'Connect', 'Heartbeat', 'Disconnect', 'AddUser', 'SetUserDisabled',
  'SetUserGroups', 'RevokeUser', 'LinkUser', 'RevokeAdminCredential', 'CreateJoinToken', 'ApplyPolicy', 'RevokeSession', 'BlockDevice']);

interface Tally { sent: number; byCode: Record<string, number>; unclear: string[]; dbChecks: number }

const POSTURE = { os: 'linux', osVersion: '6.1', clientVersion: '0.1.0', diskEncryption: 'true', firewall: 'true', hostname: 'laptop' };

describe('fuzzing every RPC over real gRPC + mTLS', { timeout: 900_000 }, () => {
  let dir: string;
  let controller: RunningController;
  let api: string;
  let auth: string;
  let adminCreds: ClientCredentials;
  let userCreds: ClientCredentials;
  let gatewayCreds: ClientCredentials;
  let db: DbView;
  let sessionId: string;
  let fakeGateway: grpc.ClientDuplexStream<unknown, { snapshot?: { version: number }; delta?: { version: number } }>;
  const handlerFailures: string[] = [];
  const totals: Record<string, Tally> = {};

  /** Enrolls a gateway through a join token and returns its mutual-TLS credentials. */
  const enroll = async (name: string, admin: ReturnType<typeof apiClients>, caPem: string): Promise<ClientCredentials & { wgPublicKey: string }> => {
    const { token } = await call(admin.admin, 'CreateJoinToken', { gatewayName: name, ttlSeconds: 600 });
    const keys = generateKeyPair();
    const wgPublicKey = publicKeyOf(generatePrivateKey());
    const c = authClients(auth, caPem);
    try {
      const r = await call(c.auth, 'EnrollGateway', { token, csrPem: createCsr(keys, name), wgPublicKey });
      return { caPem: r.caPem, certPem: r.certificatePem, keyPem: keys.privateKeyPem, wgPublicKey };
    } finally {
      c.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wicket-fuzz-'));
    const { caFingerprint } = await initDataDir(join(dir, 'data'));
    // Sessions must not end on their own while the fuzzer watches the database (no heartbeats are sent).
    // Errors the controller logs are kept: "handler failed" means a handler threw something
    // it did not turn into a clear status.
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => { if (/handler failed/.test(chunk.toString())) handlerFailures.push(chunk.toString()); cb(); } });
    controller = await startController({
      dataDir: join(dir, 'data'), listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: pino({ level: 'error' }, sink), sessions: { ackTimeoutMs: 2000, heartbeatTimeoutMs: 3_600_000 },
    });
    api = `127.0.0.1:${controller.apiPort}`;
    auth = `127.0.0.1:${controller.authPort}`;
    const files = credentialFiles(join(dir, 'data', 'admin'));
    adminCreds = { caPem: readFileSync(files.ca, 'utf8'), certPem: readFileSync(files.cert, 'utf8'), keyPem: readFileSync(files.key, 'utf8') };
    const admin = apiClients(api, adminCreds);
    try {
      const { totpSecret } = await call(admin.admin, 'AddUser', { name: 'fuzzer', password: 'fuzzer-password', groups: [], admin: false });
      await call(admin.admin, 'AddUser', { name: 'victim', password: 'victim-password', groups: [], admin: false });
      await call(admin.admin, 'ApplyPolicy', { yaml: POLICY });
      const caPem = await fetchPinnedCa(auth, caFingerprint);
      // dc1 is a well-behaved gateway that acks everything, so Connect can succeed; the
      // fuzzer speaks as dc2, which serves nothing.
      const dc1 = await enroll('dc1', admin, caPem);
      gatewayCreds = await enroll('dc2', admin, caPem);
      const g = apiClients(api, dc1);
      fakeGateway = g.gateway.Sync() as unknown as typeof fakeGateway;
      fakeGateway.on('data', (m) => fakeGateway.write({ ack: { version: m.snapshot?.version ?? m.delta?.version ?? 0, applyUs: 1, error: '' } }));
      fakeGateway.on('error', () => undefined);
      fakeGateway.write({ hello: { publicKey: dc1.wgPublicKey, endpoint: '192.0.2.1:51820', agentVersion: 'fuzz' } });
      const keys = generateKeyPair();
      const a = authClients(auth, caPem);
      const l = await call(a.auth, 'Login', { username: 'fuzzer', password: 'fuzzer-password', totpCode: await totpCode(totpSecret, Date.now()), csrPem: createCsr(keys, 'fuzzer'), deviceName: 'laptop' });
      a.close();
      userCreds = { caPem, certPem: l.certificatePem, keyPem: keys.privateKeyPem };
      const u = apiClients(api, userCreds);
      const s = await call(u.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: POSTURE, ackTimeoutMs: 5000 });
      sessionId = s.session!.id;
      u.close();
    } finally {
      admin.close();
    }
    db = new DbView(dbPathOf(join(dir, 'data')));
  });

  after(async () => {
    db?.close();
    fakeGateway?.cancel();
    await controller?.stop(1000);
    rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ fuzz: totals, seed: SEED }));
  });

  /** Valid requests per method: what the mutations start from. */
  const bases = (): Record<string, unknown[]> => {
    const csr = createCsr(generateKeyPair(), 'x');
    const key = publicKeyOf(generatePrivateKey());
    return {
      Login: [{ username: 'victim', password: 'not-the-password', totpCode: '123456', csrPem: csr, deviceName: 'laptop' }],
      EnrollGateway: [{ token: 'a'.repeat(43), csrPem: csr }],
      Connect: [{ wgPublicKey: key, posture: POSTURE, ackTimeoutMs: 500 }, { wgPublicKey: key, posture: null, ackTimeoutMs: 0 }],
      Watch: [{ sessionId }],
      Heartbeat: [{ sessionId, posture: POSTURE }],
      Disconnect: [{ sessionId: 'no-such-session' }],
      ListResources: [{ posture: POSTURE }],
      Sync: [{ hello: { publicKey: key, endpoint: '192.0.2.2:51820', agentVersion: 'x' } }, { ack: { version: 1, applyUs: 5, error: '' } }],
      Report: [{ seq: 1, collectedAtMs: Date.now(), peers: [{ sessionId, endpoint: '192.0.2.9:1', lastHandshakeMs: 1, rxBytes: 1, txBytes: 2 }], denied: [], flows: [], counters: [], droppedRecords: 0 }],
      AddUser: [{ name: 'newuser', password: 'newuser quartz tram', groups: ['eng'], admin: false }],
      ListUsers: [{}],
      SetUserDisabled: [{ name: 'victim', disabled: true }],
      SetUserGroups: [{ name: 'victim', groups: ['eng', 'ops'] }],
      RevokeUser: [{ name: 'victim' }],
      CreateJoinToken: [{ gatewayName: 'dc9', ttlSeconds: 60 }],
      ListGateways: [{}],
      ListControllers: [{}],
      TestPolicy: [{ yaml: POLICY }],
      DiffPolicy: [{ yaml: POLICY }],
      ApplyPolicy: [{ yaml: POLICY }],
      ShowPolicy: [{ version: 0 }],
      PolicyHistory: [{}],
      ExplainPolicy: [{ user: 'victim', resource: 'wiki', protocol: 'tcp', port: 443 }],
      ListSessions: [{ all: true }],
      RevokeSession: [{ id: 'no-such-session', reason: 'fuzz' }],
      WatchSession: [{ id: 'no-such-session' }],
      ListDevices: [{}],
      BlockDevice: [{ id: '0'.repeat(32) }],
      ListFlows: [{ sessionId: '', user: '', limit: 10 }],
      ListAudit: [{ afterId: 0, limit: 5, actionPrefix: '' }],
      VerifyAudit: [{}],
    };
  };

  /** Sends `PER_SERVICE` messages to a service's methods, WINDOW at a time, checking the database between windows. */
  async function fuzzService(service: ServiceName, channel: RawChannel, seed: number): Promise<Tally> {
    const methods = methodsOf(service);
    const b = bases();
    const tally: Tally = { sent: 0, byCode: {}, unclear: [], dbChecks: 0 };
    // One job = one call: its frames and the method. Streams carry several frames.
    const jobs: { m: MethodInfo; frames: Buffer[]; rank: number }[] = [];
    const perMethod = Math.ceil(PER_SERVICE / methods.length);
    methods.forEach((m, i) => {
      // A method added to the proto since this list was written is still fuzzed, from an empty request.
      const base = b[m.name] ?? [{}];
      const cases = casesFor(base, m.encode, perMethod, seed + i).map((c) => c.frame);
      const size = m.requestStream ? FRAMES_PER_STREAM : 1;
      for (let k = 0; k < cases.length; k += size) jobs.push({ m, frames: cases.slice(k, k + size), rank: k / size });
    });
    // Interleave methods (round robin) so that each window mixes them.
    const order = jobs.sort((x, y) => x.rank - y.rank);
    let fp = db.fingerprint();
    for (let i = 0; i < order.length; i += WINDOW) {
      const window = order.slice(i, i + WINDOW);
      const outcomes: Outcome[] = await Promise.all(window.map((j) => channel.send(j.m, j.frames)));
      let excused = false;
      outcomes.forEach((o, k) => {
        const j = window[k]!;
        tally.sent += j.frames.length;
        const code = grpc.status[o.code] ?? String(o.code);
        tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
        const why = unclear(o);
        if (why && tally.unclear.length < 20) tally.unclear.push(`${j.m.name}: ${why}`);
        if ((o.code === grpc.status.OK || o.received > 0) && MUTATING.has(j.m.name)) excused = true;
        // A Connect whose gateways did not ack within its (mutated, possibly tiny) ack timeout
        // was admitted and then withdrawn: its session row stays, ended, as the record of it.
        if (o.code === grpc.status.DEADLINE_EXCEEDED && j.m.name === 'Connect') excused = true;
      });
      const now = db.fingerprint();
      if (!excused) {
        assert.deepEqual(now, fp, `${service}: a window of ${window.length} rejected requests changed the database (${window.map((j) => j.m.name).join(',')})`);
        tally.dbChecks += 1;
      }
      fp = now;
    }
    totals[service] = tally;
    return tally;
  }

  const assertTally = (service: string, t: Tally) => {
    assert.ok(t.sent >= PER_SERVICE, `${service}: only ${t.sent} messages sent`);
    assert.deepEqual(t.unclear, [], `${service}: unclear replies`);
    assert.deepEqual(handlerFailures, [], 'handlers failed unexpectedly');
    assert.ok(t.dbChecks > 0, `${service}: no window was fully rejected, so nothing proved the database unchanged`);
  };

  test('Auth: 10,000 hostile messages get clear errors and change nothing they were refused', async () => {
    const ch = RawChannel.tls(auth, userCreds.caPem);
    try {
      assertTally('Auth', await fuzzService('Auth', ch, SEED));
    } finally {
      ch.close();
    }
  });

  test('Client: 10,000 hostile messages from an authenticated device', async () => {
    const ch = RawChannel.mtls(api, userCreds);
    try {
      assertTally('Client', await fuzzService('Client', ch, SEED + 100));
    } finally {
      ch.close();
    }
  });

  test('Gateway: 10,000 hostile Sync and Report messages from an enrolled gateway', async () => {
    const ch = RawChannel.mtls(api, gatewayCreds);
    try {
      assertTally('Gateway', await fuzzService('Gateway', ch, SEED + 200));
    } finally {
      ch.close();
    }
  });

  test('Admin: 10,000 hostile messages from the admin', async () => {
    const ch = RawChannel.mtls(api, adminCreds);
    try {
      assertTally('Admin', await fuzzService('Admin', ch, SEED + 300));
    } finally {
      ch.close();
    }
  });

  test('random and mutated policy files: rejected clearly, or applied whole', async () => {
    const admin = apiClients(api, adminCreds);
    const policies = policyCases(POLICY, Number(process.env.WICKET_FUZZ_POLICIES ?? 500), SEED + 400);
    const tally = { tested: 0, applied: 0, rejected: 0 };
    try {
      for (const yaml of policies) {
        const before = db.fingerprint();
        const r = await call(admin.admin, 'ApplyPolicy', { yaml }).then((res) => res, (err: grpc.ServiceError) => err);
        if ('version' in r && r.version > 0) {
          tally.applied += 1;
        } else {
          // Refused either as a status or as a check result naming what is wrong (version 0).
          const why = 'code' in r ? r.details : r.check?.errors.map((e) => e.message).join('; ') ?? '';
          if ('code' in r) assert.ok([grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION].includes(r.code), `policy refused with ${grpc.status[r.code]}: ${r.details}`);
          assert.ok(why.length > 0 || ('check' in r && r.check?.tests.some((x) => !x.passed)), `a refused policy must say why: ${JSON.stringify(r)}`);
          assert.deepEqual(db.fingerprint(), before, 'a refused policy changed the database');
          tally.rejected += 1;
        }
        tally.tested += 1;
      }
    } finally {
      admin.close();
    }
    totals.policies = { sent: tally.tested, byCode: { OK: tally.applied, rejected: tally.rejected }, unclear: [], dbChecks: tally.rejected };
    assert.ok(tally.rejected > tally.tested / 2, `most mutations must break the policy: ${JSON.stringify(tally)}`);
    assert.deepEqual(handlerFailures, []);
  });

  test('messages over the transport limit are refused on every service', async () => {
    const big = Buffer.alloc(17 * 1024 * 1024, 0x41);
    const fp = db.fingerprint();
    for (const [service, ch] of [['Auth', RawChannel.tls(auth, userCreds.caPem)], ['Client', RawChannel.mtls(api, userCreds)],
      ['Gateway', RawChannel.mtls(api, gatewayCreds)], ['Admin', RawChannel.mtls(api, adminCreds)]] as const) {
      try {
        for (const m of methodsOf(service)) {
          const o = await ch.send(m, [big], 30_000, 2000);
          assert.equal(o.code, grpc.status.RESOURCE_EXHAUSTED, `${service}.${m.name}: ${grpc.status[o.code]} ${o.details}`);
        }
      } finally {
        ch.close();
      }
    }
    assert.deepEqual(db.fingerprint(), fp);
  });

  test('after all of it the controller serves normally', async () => {
    const u = apiClients(api, userCreds);
    const admin = apiClients(api, adminCreds);
    try {
      // The policy fuzz may have left any valid policy applied: restore the known one.
      await call(admin.admin, 'ApplyPolicy', { yaml: POLICY });
      const health = await new Promise<{ status: string }>((resolve, reject) => u.health.check({ service: '' }, (e, r) => (e ? reject(e) : resolve(r!))));
      assert.equal(health.status, 'SERVING');
      const r = await call(u.client, 'ListResources', { posture: POSTURE });
      assert.ok(r.resources.some((x) => x.allowed), 'the device still gets its grants');
    } finally {
      u.close();
      admin.close();
    }
    assert.equal(db.integrity(), 'ok');
    assert.equal(db.auditVerify().ok, true);
    assert.deepEqual(db.doubleAddresses(), []);
  });
});
