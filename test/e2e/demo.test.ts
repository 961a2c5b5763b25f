// Runs the demo exactly as CI would (`node dist/scripts/demo.js --json`, non-interactive)
// and checks every outcome in its summary — web app reached, database blocked, bob reached
// both, the revocation cut the open connection, flows recorded, audit chain verified — and
// that nothing the run created is left behind: its namespaces, interfaces, processes,
// wireguard-go sockets and state directory.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DemoSummary } from '../../scripts/demo/summary.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEMO = join(ROOT, 'dist', 'scripts', 'demo.js');

/** Command lines of every live process that mentions `needle` (its namespaces, interfaces or directory). */
function processesMentioning(needles: string[]): string[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((pid) => {
    const cmd = cmdline(Number(pid));
    return needles.some((n) => cmd.includes(n)) ? [`${pid}: ${cmd}`] : [];
  });
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

describe('npm run demo -- --json', { timeout: 180_000 }, () => {
  let summary: DemoSummary;
  let exitCode: number;

  before(async () => {
    const r = await promisify(execFile)(process.execPath, [DEMO, '--json'], { cwd: ROOT, timeout: 150_000, maxBuffer: 16 << 20 })
      .then((x) => ({ ...x, code: 0 }), (e: { stdout: string; stderr: string; code: number }) => e);
    exitCode = r.code;
    const parsed = DemoSummary.safeParse(JSON.parse(r.stdout || 'null'));
    assert.ok(parsed.success, `the demo printed no valid summary (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
    summary = parsed.data;
  });

  test('it ran every step without error and exited 0', () => {
    assert.equal(summary.error, undefined, summary.error);
    assert.ok(summary.steps.length >= 10, `${summary.steps.length} steps`);
    const failed = summary.steps.filter((s) => !s.ok);
    assert.deepEqual(failed, []);
    assert.equal(exitCode, 0);
  });

  test('alice reached the web app and got its page; the database stayed closed to her', () => {
    assert.equal(summary.webappReached, true);
    assert.equal(summary.webappFirstLine, 'webapp says hello');
    assert.equal(summary.databaseBlocked, true);
  });

  test('bob reached both the web app and the database', () => {
    assert.equal(summary.bobReachedBoth, true);
  });

  test('the revocation cut alice\'s open connection, measured, and the gateway acknowledged it', (t) => {
    t.diagnostic(`revocationCutMs=${summary.revocationCutMs} gatewayAckMs=${summary.gatewayAckMs} totalMs=${summary.totalMs}`);
    assert.equal(summary.connectionCut, true);
    assert.equal(typeof summary.revocationCutMs, 'number');
    assert.ok(summary.revocationCutMs! >= 0);
    assert.equal(typeof summary.gatewayAckMs, 'number');
  });

  test('the audit chain verified', () => {
    assert.equal(summary.auditVerified, true);
  });

  test('the gateway\'s flow records reached the controller', () => {
    assert.equal(summary.flowsRecorded, true);
  });

  test('nothing it created is left behind', () => {
    const { namespaces, interfaces, dir, pids } = summary.run;
    assert.ok(namespaces.length >= 8, `namespaces reported: ${namespaces.join(' ')}`);
    assert.ok(interfaces.length >= 3 && pids.length > 0);
    const nsNow = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    assert.deepEqual(namespaces.filter((n) => nsNow.includes(n)), [], 'namespaces left');
    const linksNow = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    assert.deepEqual(interfaces.filter((i) => linksNow.includes(i)), [], 'interfaces left in the root namespace');
    assert.deepEqual(interfaces.filter((i) => existsSync(`/var/run/wireguard/${i}.sock`)), [], 'wireguard-go sockets left');
    // A reported pid still alive must be a reused one, not ours: nothing may still name the run.
    const left = processesMentioning([...namespaces, ...interfaces, dir]);
    assert.deepEqual(left, [], 'processes naming the run left');
    assert.deepEqual(pids.filter((p) => existsSync(`/proc/${p}`) && /wireguard-go|wicket|netprog/.test(cmdline(p))), [], 'processes of the run left');
    assert.equal(existsSync(dir), false, 'state directory left');
  });
});
