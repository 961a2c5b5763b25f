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
import { apiClients, call } from '../../common/grpc.js';
import { startController, type RunningController } from '../../controller/cli/start.js';
import { addUser, probeModule, silentLogger, startTestController, type TestController } from '../integration/harness.js';
import { DbView, dbPathOf } from '../reliability/dbstate.js';

const CONTROLLER_MAIN = fileURLToPath(new URL('../../controller/cli/main.js', import.meta.url));

const tried: string[] = [];
/** An attack that must fail (`fn` asserts that) and leave `evidence` grown. */
const scenario = (name: string, evidence: () => Promise<number> | number, fn: () => Promise<void>) => test(name, async () => {
  const before = await evidence();
  await fn();
  const after = await evidence();
  assert.ok(after > before, `the attack left no trace: evidence ${before} -> ${after}`);
  tried.push(name);
});

after(() => console.log(JSON.stringify({ attacks: { tried: tried.length, scenarios: tried } })));

/** Audit records with this action in a data directory's database (read from outside). */
function auditCount(dataDir: string, action: string): number {
  const view = new DbView(dbPathOf(dataDir));
  try {
    return view.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM audit WHERE action = ?').get(action)!.n;
  } finally {
    view.db.close();
  }
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
    await running?.stop(1000);
    rmSync(t.dir, { recursive: true, force: true });
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
