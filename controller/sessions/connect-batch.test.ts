// Group commit of Client.Connect (SessionManager.admit) over a real SQLite file, the real
// Sync fan-out and audit chain: concurrent Connects become one gateway delta, each answers
// only after the gateway acknowledged that delta, a request refused inside a batch leaves
// the others alone, and a user disabled after the call arrived gets no session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/store.js';
import { Audit } from '../audit/audit.js';
import { MasterKey } from '../crypto/masterkey.js';
import { createLogger } from '../../common/log.js';
import { parsePolicy, type Policy } from '../policy/index.js';
import type { SyncDown } from '../../proto/generated/wicket/v1/SyncDown.js';
import { SyncFanout, type SyncStream } from '../sync/fanout.js';
import { parsePool } from './ipam.js';
import { SessionManager, type DeviceCaller } from './session-manager.js';
import { grantTo, policyYaml } from '../../test/support/policies.js';

const POLICY = policyYaml({
  gateways: ['dc1'],
  groups: { eng: ['alice', 'bob'] },
  resources: { web: { address: '10.9.0.10', ports: ['tcp/443'], gateway: 'dc1' } },
  grants: [grantTo('eng', 'web')],
});

class Recorder implements SyncStream {
  readonly sent: SyncDown[] = [];
  write(m: SyncDown): boolean {
    this.sent.push(m);
    return true;
  }
  end(): void {}
}

function wgKey(): string {
  const { publicKey } = generateKeyPairSync('x25519');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}

function setup(t: { after: (fn: () => void) => void }, opts: { policy?: () => Policy; now?: () => number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-connect-batch-'));
  const db = openDatabase(join(dir, 'controller.db'));
  const store = new Store(db);
  const audit = new Audit(db);
  const log = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);
  const policy = parse(POLICY);
  store.gateways.enroll('dc1', 'gw-serial', 0, '', '');
  const callers = new Map<string, DeviceCaller>();
  for (const user of ['alice', 'bob']) {
    store.users.add({ name: user, passwordHash: null, totpSealed: Buffer.alloc(0), admin: false, createdAtMs: 0 }, ['eng']);
    const caller = { user, deviceId: `dev-${user}`, certSerial: `serial-${user}`, certNotAfterMs: Date.now() + 3_600_000 };
    store.certificates.record({ serial: caller.certSerial, kind: 'user', subject: user, deviceId: caller.deviceId, issuedAtMs: 0, notAfterMs: caller.certNotAfterMs });
    callers.set(user, caller);
  }
  // The fan-out calls back into the manager only once streams exist, after both are built.
  const fanout: SyncFanout = new SyncFanout({ gateways: store.gateways, snapshot: (g) => manager.gatewaySnapshot(g), onAck: (g, v, at) => manager.onGatewayAck(g, v, at), log });
  const manager: SessionManager = new SessionManager({
    store, audit, masterKey: MasterKey.ephemeral(), fanout, policy: () => ({ policy: opts.policy?.() ?? policy, version: 1 }),
    settings: { pool: parsePool('100.64.0.0/24'), overlayIpv6: 'fd6b:7769:636b::/64', ackTimeoutMs: 5_000, heartbeatIntervalMs: 20_000, heartbeatTimeoutMs: 90_000,
      maxSessionsPerUser: 1000, maxSessionsPerDevice: 1000, postureChanges: { burst: 5, perMinute: 6 } }, log, now: opts.now,
  });
  const stream = new Recorder();
  fanout.attach('dc1', stream);
  t.after(() => {
    manager.stop();
    fanout.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, audit, fanout, stream, manager, caller: (u: string) => callers.get(u)! };
}

function parse(yaml: string): Policy {
  const parsed = parsePolicy(yaml);
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return parsed.policy;
}

const posture = null;
const deltas = (stream: Recorder) => stream.sent.filter((m) => m.delta).map((m) => m.delta!);

test('Connects of one turn are stored together and reach the gateway as one delta, answered after its ack', async (t) => {
  const { store, audit, fanout, stream, manager, caller } = setup(t);
  const keys = Array.from({ length: 5 }, wgKey);
  let answered = 0;
  const pending = keys.map((k, i) => manager.connect(caller(i % 2 ? 'bob' : 'alice'), { wgPublicKey: k, posture, ackTimeoutMs: 0 }).then((r) => { answered += 1; return r; }));
  await new Promise((r) => setImmediate(r));
  const sent = deltas(stream);
  assert.equal(sent.length, 1, 'one delta for the whole batch');
  assert.deepEqual(sent[0]!.upserts!.map((s) => s.wgPublicKey).sort(), [...keys].sort());
  assert.equal(answered, 0, 'no Connect answers before the gateway acknowledged');
  assert.equal(store.sessions.active().length, 5, 'the sessions are committed before the delta leaves');

  fanout.ack('dc1', stream, Number(sent[0]!.version), 1000, '');
  const results = await Promise.all(pending);
  assert.equal(new Set(results.map((r) => r.session!.overlayAddress)).size, 5, 'every session got its own address');
  for (const r of results) assert.equal(r.session!.acks![0]!.version, sent[0]!.version, 'the ack is recorded on every session of the delta');
  const verified = audit.verify();
  assert.ok(verified.ok, verified.message);
  assert.equal(audit.list(0, 100, 'session.connect').length, 5);
});

test('a key used twice in one batch opens one session; the other request is refused alone', async (t) => {
  const { store, fanout, stream, manager, caller } = setup(t);
  const key = wgKey();
  const first = manager.connect(caller('alice'), { wgPublicKey: key, posture, ackTimeoutMs: 0 });
  const second = manager.connect(caller('bob'), { wgPublicKey: key, posture, ackTimeoutMs: 0 });
  const other = manager.connect(caller('bob'), { wgPublicKey: wgKey(), posture, ackTimeoutMs: 0 });
  await assert.rejects(second, /already belongs to a live session/);
  const sent = deltas(stream);
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.upserts!.length, 2);
  fanout.ack('dc1', stream, Number(sent[0]!.version), 1000, '');
  const [a, c] = await Promise.all([first, other]);
  assert.equal(a.session!.username, 'alice');
  assert.equal(c.session!.username, 'bob');
  assert.equal(store.sessions.active().length, 2);
});

test('a user disabled after the call arrived but before its batch is stored gets no session', async (t) => {
  const { store, stream, manager, caller } = setup(t);
  const refused = manager.connect(caller('alice'), { wgPublicKey: wgKey(), posture, ackTimeoutMs: 0 });
  store.users.setDisabled('alice', true);
  await assert.rejects(refused, /user alice is disabled/);
  assert.equal(store.sessions.active().length, 0);
  assert.equal(deltas(stream).length, 0, 'nothing was sent to the gateway');
});

test('an entitlement that expires between the decision and the timer still ends the session at once', async (t) => {
  // The clock stands still until `ticking`; then every reading moves it 10 ms on, so the
  // re-evaluation decides just before the grant's session_ttl ends and arms its timer after.
  const start = Date.now();
  let clock = start;
  let ticking = false;
  const now = () => {
    const v = clock;
    if (ticking) clock += 10;
    return v;
  };
  let policy = parse(POLICY);
  const { fanout, stream, manager, store, caller } = setup(t, { policy: () => policy, now });
  const connecting = manager.connect(caller('alice'), { wgPublicKey: wgKey(), posture, ackTimeoutMs: 0 });
  await new Promise((r) => setImmediate(r));
  fanout.ack('dc1', stream, Number(deltas(stream)[0]!.version), 1000, '');
  const id = (await connecting).session!.id!;
  policy = parse(POLICY.replace('resources: [web]', 'resources: [web]\n    session_ttl: 10m'));
  clock = start + 600_000 - 1;
  ticking = true;
  manager.reevaluateAll('policy applied', 'admin:test');
  const deadline = Date.now() + 2000;
  while (store.sessions.get(id)!.state === 'active' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(store.sessions.get(id)!.state, 'revoked', 'the session outlived its only entitlement');
});
