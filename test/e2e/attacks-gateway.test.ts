// Attacks by a stolen gateway certificate and by a compromised gateway, against the real
// controller (real SQLite file, real gRPC with real mutual TLS, real session and telemetry
// modules). The attacker holds a gateway's certificate and TLS key, or is the gateway: it may
// announce its own WireGuard key or endpoint, keep a retired certificate's streams open,
// report telemetry about sessions it does not serve, and flood Hellos, error acks and
// batches. Each scenario asserts that the attack fails and names its evidence (an audit
// count or a metric) that must have grown, like test/e2e/attacks.test.ts.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { apiClients, authClients, call, type ClientCredentials } from '../../common/grpc.js';
import { createCsr, generateKeyPair } from '../../common/pki.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import type { SyncDown__Output } from '../../proto/generated/wicket/v1/SyncDown.js';
import type { TelemetryBatch } from '../../proto/generated/wicket/v1/TelemetryBatch.js';
import type { ReportAck__Output } from '../../proto/generated/wicket/v1/ReportAck.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { telemetryModule } from '../../controller/telemetry/module.js';
import { addUser, codeAt, login, startTestController, type TestController, LAPTOP_POSTURE } from '../integration/harness.js';
import { DbView, dbPathOf } from '../reliability/dbstate.js';
import { AttackLog, metricSum } from '../reliability/attack-kit.js';
import { grantTo, policyYaml, WIKI } from '../support/policies.js';

const POLICY = policyYaml({
  gateways: ['dc1', 'dc2'],
  groups: { eng: ['alice'] },
  resources: { wiki: WIKI, build: { address: '10.30.0.10', ports: ['tcp/22'], gateway: 'dc2' } },
  grants: [grantTo('eng', 'wiki')],
});
/** Telemetry limits small enough to reach in a test. */
const LIMITS = { maxBatchRecords: 5000, recordsPerSecond: 2000, burstRecords: 4000 };

type Gw = ClientCredentials & { wgPublicKey: string };
type SyncStream = grpc.ClientDuplexStream<unknown, SyncDown__Output>;
type ReportStream = grpc.ClientDuplexStream<TelemetryBatch, ReportAck__Output>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('attacks by a stolen gateway certificate or a compromised gateway', { timeout: 600_000 }, () => {
  let t: TestController;
  let db: DbView;

  const audit = (action: string, target: string) => db.count('SELECT count(*) FROM audit WHERE action = ? AND target = ?', action, target);
  const metric = (name: string, labels: Record<string, string> = {}) => metricSum(t.controller.ctx.metrics.registry, name, labels);
  const attacks = new AttackLog();
  const scenario = attacks.scenario.bind(attacks);

  /** Enrolls `name` as `wicket-gateway enroll` does: a join token (optionally for an endpoint), a CSR and the WireGuard public key. */
  const enroll = async (name: string, endpoint = ''): Promise<Gw> => {
    const { token } = await call(t.admin.admin, 'CreateJoinToken', { gatewayName: name, ttlSeconds: 600, endpoint });
    const keys = generateKeyPair();
    const wgPublicKey = publicKeyOf(generatePrivateKey());
    const a = authClients(t.auth, t.caPem);
    try {
      const r = await call(a.auth, 'EnrollGateway', { token, csrPem: createCsr(keys, name), wgPublicKey });
      return { caPem: r.caPem, certPem: r.certificatePem, keyPem: keys.privateKeyPem, wgPublicKey };
    } finally {
      a.close();
    }
  };

  const opened: { close(): void }[] = [];
  const clientsOf = (creds: ClientCredentials) => {
    const c = apiClients(t.api, creds);
    opened.push(c);
    return c;
  };

  /** A Sync stream that records what arrives and how it ended; acks every version unless `ack` is false. */
  const sync = (creds: ClientCredentials, ack = true) => {
    const s = clientsOf(creds).gateway.Sync() as unknown as SyncStream;
    const received: SyncDown__Output[] = [];
    let ended: grpc.ServiceError | 'end' | undefined;
    s.on('data', (m: SyncDown__Output) => {
      received.push(m);
      if (ack) s.write({ ack: { version: m.snapshot?.version ?? m.delta?.version ?? 0, applyUs: 1, error: '' } });
    });
    s.on('error', (e: grpc.ServiceError) => { ended ??= e; });
    s.on('end', () => { ended ??= 'end'; });
    return {
      stream: s, received,
      get ended() { return ended; },
      hello: (publicKey: string, endpoint: string) => s.write({ hello: { publicKey, endpoint, agentVersion: 'attack' } }),
    };
  };

  /** Waits until `cond` holds (polling); false when it never did within `ms`. */
  const eventually = async (cond: () => boolean, ms = 5000): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (cond()) return true;
      await sleep(50);
    }
    return cond();
  };

  /** The stream ends with an error, before any snapshot arrives; returns the error. */
  const refusedHello = async (s: ReturnType<typeof sync>): Promise<grpc.ServiceError> => {
    assert.ok(await eventually(() => s.ended !== undefined || s.received.length > 0), 'the controller neither answered nor ended the stream');
    assert.equal(s.received.length, 0, 'the controller sent a snapshot (client keys and preshared keys) to the attacker');
    assert.ok(s.ended !== 'end' && s.ended !== undefined);
    return s.ended as grpc.ServiceError;
  };

  before(async () => {
    t = await startTestController({
      modules: [sessionModule({ ackTimeoutMs: 3000 }), telemetryModule({ limits: LIMITS })],
    });
    await call(t.admin.admin, 'ApplyPolicy', { yaml: POLICY });
    db = new DbView(dbPathOf(join(t.dir, 'data')));
  });

  after(async () => {
    attacks.report();
    for (const c of opened) c.close();
    db?.close();
    await t?.stop();
  });

  scenario('a stolen gateway certificate announcing its own WireGuard key gets no snapshot and is audited',
    async () => audit('gateway.hello.refused', 'gw-key'), async () => {
      const gw = await enroll('gw-key', '192.0.2.20:51820');
      const thief = sync(gw);
      thief.hello(publicKeyOf(generatePrivateKey()), '192.0.2.20:51820');
      const err = await refusedHello(thief);
      assert.ok([grpc.status.PERMISSION_DENIED, grpc.status.FAILED_PRECONDITION].includes(err.code), `${err.code} ${err.details}`);
      assert.match(err.details, /WireGuard key/);
      assert.equal(db.count("SELECT count(*) FROM gateways WHERE name = 'gw-key' AND public_key = ?", gw.wgPublicKey), 1, 'the bound key was replaced');
      // The rightful gateway still connects.
      const owner = sync(gw);
      owner.hello(gw.wgPublicKey, '192.0.2.20:51820');
      assert.ok(await eventually(() => owner.received.length > 0), 'the enrolled key was refused');
      owner.stream.cancel();
    });

  scenario('a stolen gateway certificate announcing another endpoint than the admin allowed is refused',
    async () => audit('gateway.hello.refused', 'gw-ep'), async () => {
      const gw = await enroll('gw-ep', '192.0.2.21:51820');
      const thief = sync(gw);
      thief.hello(gw.wgPublicKey, '203.0.113.66:51820');
      const err = await refusedHello(thief);
      assert.ok([grpc.status.PERMISSION_DENIED, grpc.status.FAILED_PRECONDITION].includes(err.code), `${err.code} ${err.details}`);
      assert.match(err.details, /endpoint/);
      assert.equal(db.count("SELECT count(*) FROM gateways WHERE name = 'gw-ep' AND endpoint = '203.0.113.66:51820'"), 0);
    });

  scenario('without an allowed endpoint the first one announced is recorded and another is refused',
    async () => audit('gateway.hello.refused', 'gw-tofu'), async () => {
      const gw = await enroll('gw-tofu');
      const first = sync(gw);
      first.hello(gw.wgPublicKey, '192.0.2.22:51820');
      assert.ok(await eventually(() => first.received.length > 0), 'the first endpoint was refused');
      first.stream.cancel();
      await eventually(() => db.count("SELECT count(*) FROM gateways WHERE name = 'gw-tofu' AND connected = 0") === 1);
      const thief = sync(gw);
      thief.hello(gw.wgPublicKey, '198.51.100.9:51820');
      const err = await refusedHello(thief);
      assert.match(err.details, /endpoint/);
    });

  scenario('re-enrolling ends the retired certificate\'s open Sync and Report streams at once',
    () => metric('wicket_gateway_streams_retired_total'), async () => {
      const old = await enroll('gw-retire', '192.0.2.23:51820');
      const s = sync(old);
      s.hello(old.wgPublicKey, '192.0.2.23:51820');
      assert.ok(await eventually(() => s.received.length > 0), 'no snapshot for the enrolled gateway');
      const report = clientsOf(old).gateway.Report() as unknown as ReportStream;
      const acks: number[] = [];
      let reportEnded: grpc.ServiceError | 'end' | undefined;
      report.on('data', (a: ReportAck__Output) => acks.push(Number(a.seq)));
      report.on('error', (e: grpc.ServiceError) => { reportEnded ??= e; });
      report.on('end', () => { reportEnded ??= 'end'; });
      report.write({ seq: 1, collectedAtMs: Date.now(), peers: [], counters: [], denied: [], flows: [], droppedRecords: 0 });
      assert.ok(await eventually(() => acks.length === 1), 'the Report stream did not work before re-enrollment');

      await enroll('gw-retire', '192.0.2.23:51820');
      // The attacker sends nothing more: the controller must end both streams by itself.
      assert.ok(await eventually(() => s.ended !== undefined), 'the retired certificate\'s Sync stream stayed open');
      assert.ok(await eventually(() => reportEnded !== undefined), 'the retired certificate\'s Report stream stayed open');
      for (const e of [s.ended, reportEnded]) {
        assert.ok(e !== 'end' && e !== undefined && [grpc.status.PERMISSION_DENIED, grpc.status.UNAVAILABLE].includes(e.code), `ended with ${JSON.stringify(e)}`);
      }
    });

  scenario('a gateway reporting denied attempts for a session served only by another gateway revokes nothing',
    () => metric('wicket_telemetry_foreign_records_total', { gateway: 'dc2' }), async () => {
      const dc1 = await enroll('dc1', '192.0.2.1:51820');
      const dc2 = await enroll('dc2', '192.0.2.2:51820');
      for (const [gw, ep] of [[dc1, '192.0.2.1:51820'], [dc2, '192.0.2.2:51820']] as const) {
        const s = sync(gw);
        s.hello(gw.wgPublicKey, ep);
        assert.ok(await eventually(() => s.received.length > 0), `gateway at ${ep} got no snapshot`);
      }
      const password = randomBytes(18).toString('base64url');
      const secret = await addUser(t, 'alice', password, { groups: ['eng'] });
      const { creds } = await login(t, { username: 'alice', password, totpCode: await codeAt(t, secret) });
      const c = clientsOf(creds);
      const r = await call(c.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });
      const session = r.session!;
      assert.deepEqual(r.gateways.map((g) => g.gateway), ['dc1'], 'the session is served by dc1 only');

      const report = clientsOf(dc2).gateway.Report() as unknown as ReportStream;
      const acks: number[] = [];
      report.on('data', (a: ReportAck__Output) => acks.push(Number(a.seq)));
      report.on('error', () => undefined);
      const now = t.now();
      report.write({
        seq: 1, collectedAtMs: now, peers: [], counters: [], flows: [], droppedRecords: 0,
        denied: Array.from({ length: 50 }, (_, i) => ({
          sessionId: session.id, source: session.overlayAddress, destination: '10.20.0.10', protocol: 'tcp', port: 1000 + i, count: 10,
          firstSeenMs: now - 1000, lastSeenMs: now,
        })),
      });
      assert.ok(await eventually(() => acks.length === 1), 'the batch was not acknowledged');
      await sleep(300);
      assert.equal(db.count("SELECT count(*) FROM sessions WHERE id = ? AND state = 'active'", session.id), 1, 'dc2 revoked a session it does not serve');
      assert.equal(db.count("SELECT count(*) FROM denied_attempts WHERE gateway = 'dc2' AND session_id = ?", session.id), 0, 'the foreign records were stored');
      assert.equal(audit('security.probe', session.id), 0);
      report.cancel();
    });

  scenario('200 Hellos in a row (one stream, then one stream each) give a bounded number of audit records and snapshots',
    () => metric('wicket_sync_hellos_throttled_total', { gateway: 'gw-flood' }), async () => {
      const gw = await enroll('gw-flood', '192.0.2.24:51820');
      const one = sync(gw);
      for (let i = 0; i < 200; i++) one.hello(gw.wgPublicKey, '192.0.2.24:51820');
      await eventually(() => one.ended !== undefined, 2000);
      const many = Array.from({ length: 200 }, () => {
        const s = sync(gw);
        s.hello(gw.wgPublicKey, '192.0.2.24:51820');
        return s;
      });
      await eventually(() => many.every((s) => s.ended !== undefined || s.received.length > 0), 10_000);
      await sleep(300);
      const snapshots = [one, ...many].reduce((n, s) => n + s.received.filter((m) => m.snapshot).length, 0);
      const connects = audit('gateway.connect', 'gw-flood');
      assert.ok(snapshots <= 20, `${snapshots} snapshots sent for 400 Hellos`);
      assert.ok(connects <= 20, `${connects} audit records written for 400 Hellos`);
      assert.ok(many.some((s) => s.ended !== undefined && s.ended !== 'end' && s.ended.code === grpc.status.RESOURCE_EXHAUSTED), 'no Hello was refused as too many');
      for (const s of many) s.stream.cancel();
    });

  scenario('200 error acks in a row give a bounded number of snapshots',
    () => metric('wicket_sync_ignored_acks_total', { gateway: 'gw-errack', reason: 'throttled' }), async () => {
      const gw = await enroll('gw-errack', '192.0.2.25:51820');
      const s = sync(gw, false);
      s.hello(gw.wgPublicKey, '192.0.2.25:51820');
      assert.ok(await eventually(() => s.received.length > 0));
      const version = s.received[0]!.snapshot!.version;
      for (let i = 0; i < 200; i++) s.stream.write({ ack: { version, applyUs: 1, error: 'nft: boom' } });
      await sleep(1000);
      const snapshots = s.received.filter((m) => m.snapshot).length;
      assert.ok(snapshots <= 10, `${snapshots} snapshots sent for 200 error acks`);
      s.stream.cancel();
    });

  scenario('a telemetry batch over the size bound is refused and stores nothing',
    () => metric('wicket_telemetry_batches_total', { result: 'invalid' }), async () => {
      const gw = await enroll('gw-big', '192.0.2.26:51820');
      const report = clientsOf(gw).gateway.Report() as unknown as ReportStream;
      const err = await new Promise<grpc.ServiceError | undefined>((resolve) => {
        report.on('error', resolve);
        report.on('data', () => resolve(undefined));
        const now = t.now();
        report.write({
          seq: 1, collectedAtMs: now, peers: [], counters: [], denied: [], droppedRecords: 0,
          flows: Array.from({ length: LIMITS.maxBatchRecords + 1 }, (_, i) => ({
            sessionId: `s${i}`, source: '100.64.0.2', destination: '10.20.0.10', protocol: 'tcp', port: 443, startedAtMs: now, endedAtMs: now, bytesOut: 1, bytesIn: 1,
          })),
        });
      });
      assert.ok(err, 'the oversized batch was acknowledged');
      assert.ok([grpc.status.INVALID_ARGUMENT, grpc.status.RESOURCE_EXHAUSTED].includes(err.code), `${err.code} ${err.details}`);
      assert.equal(db.count("SELECT count(*) FROM telemetry_batches WHERE gateway = 'gw-big'"), 0);
    });

  scenario('a telemetry flood is slowed to the configured rate, and nothing is lost',
    () => metric('wicket_telemetry_throttled_total', { gateway: 'gw-rate' }), async () => {
      const gw = await enroll('gw-rate', '192.0.2.27:51820');
      const report = clientsOf(gw).gateway.Report() as unknown as ReportStream;
      const acks: number[] = [];
      report.on('data', (a: ReportAck__Output) => acks.push(Number(a.seq)));
      report.on('error', () => undefined);
      const now = t.now();
      const batches = 6;
      for (let seq = 1; seq <= batches; seq++) {
        report.write({
          seq, collectedAtMs: now, peers: [], counters: [], denied: [], droppedRecords: 0,
          flows: Array.from({ length: LIMITS.burstRecords / 2 }, (_, i) => ({
            sessionId: `s${i}`, source: '100.64.0.2', destination: '10.20.0.10', protocol: 'tcp', port: 443, startedAtMs: now, endedAtMs: now, bytesOut: 1, bytesIn: 1,
          })),
        });
      }
      assert.ok(await eventually(() => acks.length === batches, 20_000), `only ${acks.length} of ${batches} batches acknowledged`);
      assert.deepEqual(acks, Array.from({ length: batches }, (_, i) => i + 1), 'acks out of order');
      report.cancel();
    });
});
