// Attacks on the controller's integrity, against the real programs: the audit log truncated
// by someone with write access to the SQLite file, the data directory's file modes (the real
// wicket-controller binary under a hostile umask), a throw after a commit (a fault injected
// through a service module, the seam every module uses), and just-in-time approvals
// outliving the grant they were given under. Each scenario asserts that the attack fails and
// names its evidence — an audit count or a metric — which must have grown by its end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import * as grpc from '@grpc/grpc-js';
import { apiClients, call } from '../../common/grpc.js';
import { generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { sessionModule } from '../../controller/sessions/module.js';
import { startController, type RunningController } from '../../controller/app/start.js';
import { FakeGateway, addUser, codeAt, enrollGateway, login, probeModule, rpcError, silentLogger, startTestController, type TestController, LAPTOP_POSTURE } from '../integration/harness.js';
import { countIn, dbPathOf } from '../reliability/dbstate.js';
import { AttackLog, metricSum } from '../reliability/attack-kit.js';
import { DB, grantTo, policyYaml, WIKI, type Grant } from '../support/policies.js';

const CONTROLLER_MAIN = fileURLToPath(new URL('../../controller/cli/main.js', import.meta.url));
const WICKETCTL_MAIN = fileURLToPath(new URL('../../controller/cli/wicketctl.js', import.meta.url));

const attacks = new AttackLog();
const scenario = attacks.scenario.bind(attacks);
after(() => attacks.report());

/** Audit records with this action in a data directory's database (read from outside). */
function auditCount(dataDir: string, action: string): number {
  return countIn(dataDir, 'SELECT count(*) AS n FROM audit WHERE action = ?', action);
}

/** What an attacker with write access to the SQLite file does: drops the guard triggers and removes the newest records, hiding the gap. */
function truncateAudit(dataDir: string, newest: number): void {
  const db = new Database(dbPathOf(dataDir));
  try {
    db.exec('DROP TRIGGER IF EXISTS audit_no_delete; DROP TRIGGER IF EXISTS audit_no_update;');
    db.prepare('DELETE FROM audit WHERE id > (SELECT max(id) FROM audit) - ?').run(newest);
    db.exec("UPDATE sqlite_sequence SET seq = (SELECT max(id) FROM audit) WHERE name = 'audit'");
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

describe('the audit log cannot lose its newest records unseen', { timeout: 120_000 }, () => {
  let t: TestController;
  let dataDir: string;
  let running: RunningController | undefined;
  let admin: ReturnType<typeof apiClients> | undefined;

  /** Stops the controller (keeping its data directory) and, after `between`, starts it again. */
  const restart = async (between: () => void) => {
    admin?.close();
    if (running) await running.stop(1000);
    else {
      t.admin.close();
      await t.controller.stop(1000);
    }
    between();
    running = await startController({ dataDir, listen: '127.0.0.1:0', authListen: '127.0.0.1:0', log: silentLogger(), modules: [probeModule] });
    admin = apiClients(`127.0.0.1:${running.apiPort}`, t.adminCreds);
  };

  before(async () => {
    t = await startTestController();
    dataDir = join(t.dir, 'data');
  });

  after(async () => {
    admin?.close();
    if (running) {
      await running.stop(1000);
      rmSync(t.dir, { recursive: true, force: true });
    } else await t?.stop();
  });

  scenario('the newest audit records deleted from the SQLite file: verify reports truncation', () => auditCount(dataDir, 'audit.head.mismatch'), async () => {
    for (const u of ['ann', 'ben', 'cid']) await addUser(t, u, `pw-${u}-long-enough`);
    const clean = await call(t.admin.admin, 'VerifyAudit', { head: '' });
    assert.ok(clean.ok, clean.message);
    await restart(() => truncateAudit(dataDir, 3));
    const r = await call(admin!.admin, 'VerifyAudit', { head: '' });
    assert.equal(r.ok, false, `verify did not notice the truncation: ${r.message}`);
    assert.match(r.message, /truncated/);
  });

  scenario('the head file removed too: a head shipped elsewhere still shows the truncation', () => auditCount(dataDir, 'audit.head.reset'), async () => {
    // The operator's earlier copy of the head (docs/operations.md: ship it elsewhere).
    const shipped = join(t.dir, 'shipped.head');
    await restart(() => {
      rmSync(join(dataDir, 'audit.head'));
      // The restart anchors the current end again; the shipped copy is taken from that.
    });
    await call(admin!.admin, 'AddUser', { name: 'dan', password: 'pw-dan-long-enough', admin: false, groups: [] });
    copyFileSync(join(dataDir, 'audit.head'), shipped);
    await restart(() => {
      truncateAudit(dataDir, 2);
      rmSync(join(dataDir, 'audit.head'));
    });
    const local = await call(admin!.admin, 'VerifyAudit', { head: '' });
    assert.ok(local.ok, 'a re-anchored log verifies against its own new head (the documented limit)');
    const r = await call(admin!.admin, 'VerifyAudit', { head: readFileSync(shipped, 'utf8') });
    assert.equal(r.ok, false, `verify against the shipped head did not notice the truncation: ${r.message}`);
    assert.match(r.message, /truncated/);
    // The same through the real wicketctl (the controller runs in this process: no spawnSync).
    const ctl = spawn(process.execPath, [WICKETCTL_MAIN, '--controller', `127.0.0.1:${running!.apiPort}`, '--credentials', join(dataDir, 'admin'), 'audit', 'verify', '--head', shipped], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    ctl.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const status = await new Promise((resolve) => ctl.once('exit', resolve));
    assert.equal(status, 2, stderr);
    assert.match(stderr, /truncated/);
  });
});

/** Every path under `dir` (itself included) whose mode is not 0700 (directories) or 0600 (files). */
function looseModes(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) out.push(`${p} ${mode.toString(8)}`);
      for (const e of readdirSync(p)) walk(join(p, e));
    } else if (mode !== 0o600) out.push(`${p} ${mode.toString(8)}`);
  };
  walk(dir);
  return out;
}

/** Runs wicket-controller with umask 000. */
const underUmask000 = (args: string[]) => ['-c', 'umask 000; exec "$@"', 'sh', process.execPath, CONTROLLER_MAIN, ...args];

describe('the data directory is its owner\'s only', { timeout: 120_000 }, () => {
  let base: string;
  let dataDir: string;

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'wicket-modes-'));
    dataDir = join(base, 'data');
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  test('init under umask 000 into an existing 0755 directory leaves 0700 and 0600 only', () => {
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    const r = spawnSync('sh', underUmask000(['init', '--data-dir', dataDir]), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(looseModes(dataDir), []);
  });

  test('start under umask 000: the database, WAL, shared memory, head and audit sink are 0600', async () => {
    const sink = join(base, 'audit.jsonl');
    // Without a head file the controller anchors the log at start, which writes an audit
    // record: the sink is created by the controller itself.
    rmSync(join(dataDir, 'audit.head'));
    const child = spawn('sh', underUmask000(['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--auth-listen', '127.0.0.1:0', '--audit-log', sink]), { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening')) resolve();
        });
        child.once('exit', (code) => reject(new Error(`controller exited with ${code} before listening`)));
      });
      for (const f of ['controller.db-wal', 'controller.db-shm', 'audit.head']) assert.ok(statSync(join(dataDir, f)).isFile(), `${f} exists`);
      assert.deepEqual(looseModes(dataDir), []);
      assert.equal(statSync(sink).mode & 0o777, 0o600, 'the audit sink');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  test('start refuses a data directory others can read, naming the chmod that fixes it', () => {
    chmodSync(dataDir, 0o755);
    const r = spawnSync(process.execPath, [CONTROLLER_MAIN, 'start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--auth-listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 30_000 });
    assert.notEqual(r.status, 0, 'start accepted a world-readable data directory');
    assert.ok(r.stderr.includes(`chmod 700 ${dataDir}`), r.stderr);
    chmodSync(dataDir, 0o700);
  });
});


describe('a throw after a commit never ends the controller', { timeout: 120_000 }, () => {
  let t: TestController;
  let gateway: FakeGateway;
  /**
   * The injected fault: a seam every session view consults (live WireGuard figures, the
   * session module's `stats` seam) throws while armed. Views are built after commits — the
   * Connect answer, the events a client's Watch gets — so this is a throw in a post-commit step.
   */
  const fault = { armed: false };
  const faultyStats = () => {
    if (fault.armed) throw new Error('injected fault');
    return undefined;
  };
  const internalErrors = () => metricSum(t.controller.ctx.metrics.registry, 'wicket_internal_errors_total');
  const active = (user: string) => countIn(join(t.dir, 'data'), "SELECT count(*) AS n FROM sessions WHERE user_name = ? AND state = 'active'", user);
  const connectAs = async (user: string) => {
    const secret = await addUser(t, user, `pw-${user}-long-enough`, { groups: [user === 'bob' ? 'short' : 'eng'] });
    const { creds } = await login(t, { username: user, password: `pw-${user}-long-enough`, totpCode: await codeAt(t, secret) });
    return apiClients(t.api, creds);
  };

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 }, { stats: faultyStats })] });
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policyYaml({
      gateways: ['dc1'],
      groups: { eng: ['alice'], short: ['bob'] },
      resources: { wiki: WIKI, db: { address: '10.20.0.11', ports: ['tcp/5432'], gateway: 'dc1' } },
      grants: [grantTo('eng', 'wiki'), { ...grantTo('short', 'db'), session_ttl: '2s' }],
    }) });
    gateway = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gateway.connect();
    await gateway.next((m) => Boolean(m.snapshot));
  });

  after(async () => {
    fault.armed = false;
    gateway?.close();
    await t?.stop();
  });

  scenario('a throw after Connect committed: the session is ended, the error counted, the controller serves on', internalErrors, async () => {
    const alice = await connectAs('alice');
    try {
      fault.armed = true;
      const err = await rpcError(call(alice.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 }));
      fault.armed = false;
      assert.equal(err.code, grpc.status.INTERNAL, err.details);
      assert.equal(active('alice'), 0, 'the session the client was never told about is left active');
      const again = await call(alice.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });
      assert.equal(again.session?.state, 'active', 'the controller serves the next Connect');
    } finally {
      fault.armed = false;
      alice.close();
    }
  });

  scenario('a throw in a timer after its commit (an expiry): the process lives, the session is ended', () => metricSum(t.controller.ctx.metrics.registry, 'wicket_internal_errors_total', { where: 'sessions.post_commit' }), async () => {
    const bob = await connectAs('bob');
    try {
      const s = await call(bob.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: LAPTOP_POSTURE, ackTimeoutMs: 3000 });
      assert.equal(s.session?.state, 'active');
      // Bob's client watches its session, as the agent does: the session's end is then told to
      // it with a session view, built after the commit.
      const watch = bob.client.Watch({ sessionId: s.session!.id });
      watch.on('error', () => undefined);
      // Armed only once the watch has its current state: that state is a session view too.
      await new Promise((resolve) => watch.once('data', resolve));
      watch.on('data', () => undefined);
      // The grant's session_ttl (2 s) ends the session from its timer; the fault makes the
      // step after that commit throw.
      fault.armed = true;
      const deadline = Date.now() + 15_000;
      while (active('bob') > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      await new Promise((r) => setTimeout(r, 200));
      fault.armed = false;
      assert.equal(active('bob'), 0, 'the expired session is still active');
      const users = await call(t.admin.admin, 'ListUsers', {});
      assert.ok(users.users.length > 0, 'the controller still answers');
    } finally {
      fault.armed = false;
      bob.close();
    }
  });
});

describe('a just-in-time approval is bound to the grant it was given under', { timeout: 120_000 }, () => {
  let t: TestController;
  let gateway: FakeGateway;
  let carol: ReturnType<typeof apiClients>;
  let dave: ReturnType<typeof apiClients>;
  let sessionId = '';
  const HOUR = 3_600_000;
  const policy = (...jit: Grant[]) => policyYaml({
    gateways: ['dc1'],
    groups: { staff: ['carol'], leads: ['dave'] },
    resources: { wiki: WIKI, db: DB, secrets: { address: '10.20.9.0/24', ports: ['tcp/8200'], gateway: 'dc1' } },
    grants: [grantTo('staff', 'wiki'), ...jit],
  });
  const jit = (resource: string, maxDuration: string, approvers = 'group:leads'): Grant => ({
    name: 'db-jit', to: ['group:staff'], resources: [resource],
    requestable: `{ approvers: [${approvers}], max_duration: ${maxDuration}, reason_required: false }`,
  });
  const auditOf = (action: string) => countIn(join(t.dir, 'data'), "SELECT count(*) AS n FROM audit WHERE action = ? AND actor = 'system'", action);
  /** The live session's entitlements: resource -> expiry. */
  const entitlements = async () => {
    const r = await call(carol.client, 'Heartbeat', { sessionId, posture: null });
    return new Map(r.session!.entitlements.map((e) => [e.resource, Number(e.expiresAtMs)]));
  };
  const approved = async (resource: string, durationMs: number) => {
    const req = await call(carol.client, 'RequestAccess', { resource, grant: '', durationMs, reason: '' });
    return call(dave.admin, 'ApproveAccess', { id: req.id, durationMs, reason: 'ok' });
  };

  before(async () => {
    t = await startTestController({ modules: [sessionModule({ ackTimeoutMs: 3000 })] });
    const creds = async (name: string, admin: boolean) => {
      const secret = await addUser(t, name, `${name}-password-long`, { admin });
      return apiClients(t.api, (await login(t, { username: name, password: `${name}-password-long`, totpCode: await codeAt(t, secret) })).creds);
    };
    carol = await creds('carol', false);
    dave = await creds('dave', true);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy(jit('db', '8h')) });
    gateway = new FakeGateway(t, await enrollGateway(t, 'dc1'));
    gateway.connect();
    await gateway.next((m) => Boolean(m.snapshot));
    sessionId = (await call(carol.client, 'Connect', { wgPublicKey: publicKeyOf(generatePrivateKey()), posture: null, ackTimeoutMs: 3000 })).session!.id;
  });

  after(async () => {
    carol?.close();
    dave?.close();
    gateway?.close();
    await t?.stop();
  });

  scenario('narrowing max_duration in a new policy shortens a live approval', () => auditOf('access.shorten'), async () => {
    const a = await approved('db', 4 * HOUR);
    assert.equal((await entitlements()).get('db'), Number(a.expiresAtMs));
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy(jit('db', '1h')) });
    const cap = Number(a.decidedAtMs) + HOUR;
    const after = (await call(carol.client, 'ListMyAccessRequests', {})).requests.find((r) => r.id === a.id)!;
    assert.ok(Number(after.expiresAtMs) <= cap, `the approval still runs ${Math.round((Number(after.expiresAtMs) - Number(a.decidedAtMs)) / 60_000)} min, beyond the new max_duration of 1h`);
    assert.ok((await entitlements()).get('db')! <= cap, 'the live session keeps the old expiry');
  });

  scenario('a grant removed and added again under the same name never revives an approval', () => auditOf('access.revoke'), async () => {
    assert.ok((await entitlements()).has('db'), 'the approval from the previous scenario is live');
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy() });
    assert.equal((await entitlements()).has('db'), false);
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy(jit('db', '8h')) });
    assert.equal((await entitlements()).has('db'), false, 'the re-added grant revived the approval');
  });

  scenario('a grant replaced under the same name in one apply does not hand its approval to the new terms', () => auditOf('access.revoke'), async () => {
    await approved('db', HOUR);
    assert.ok((await entitlements()).has('db'));
    // Same name, same resource, other approvers: the approval was not given under these terms.
    await call(t.admin.admin, 'ApplyPolicy', { yaml: policy(jit('db', '8h', 'group:staff')) });
    assert.equal((await entitlements()).has('db'), false, 'the approval carried over to the replaced grant');
  });
});
