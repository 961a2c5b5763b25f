// The real command lines: `wicket-controller init` (twice: refused, nothing changed; a
// --database that is not PostgreSQL refused),
// `start` (graceful on SIGTERM; a bad --overlay-ipv6 refused), and `wicketctl` against it (user add --json, listings,
// bad input, audit verify, login with an admin user's own certificate, weak passwords, the
// bootstrap admin credential: list, revoke, renew on the host).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { totpCode } from '../../controller/auth/totp.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = (name: string) => join(root, 'bin', name);
const dir = mkdtempSync(join(tmpdir(), 'wicket-cli-'));
const dataDir = join(dir, 'data');
let controller: ChildProcess;
let api = '';
let authAddr = '';
let fingerprint = '';

function run(cmd: string, args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin(cmd), ...args], { input, encoding: 'utf8', env: { ...process.env, WICKET_LOG_LEVEL: 'warn', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ctl = (args: string[], input = '') => run('wicketctl', ['--controller', api, '--credentials', join(dataDir, 'admin'), ...args], input);

function treeDigest(path: string): string {
  const h = createHash('sha256');
  const walk = (p: string) => {
    for (const name of readdirSync(p).sort()) {
      const f = join(p, name);
      const st = statSync(f);
      h.update(`${f}:${st.mode}`);
      if (st.isDirectory()) walk(f);
      else h.update(readFileSync(f));
    }
  };
  walk(path);
  return h.digest('hex');
}

before(async () => {
  const init = run('wicket-controller', ['init', '--data-dir', dataDir, '--hostname', 'controller.test']);
  assert.equal(init.code, 0, init.stderr);
  fingerprint = /CA fingerprint \(SHA-256\): ([0-9a-f]{64})/.exec(init.stdout)?.[1] ?? '';
  assert.notEqual(fingerprint, '');
  controller = spawn(process.execPath, [bin('wicket-controller'), 'start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--auth-listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    controller.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out);
    });
    controller.once('exit', (code) => reject(new Error(`controller exited with ${code}`)));
  });
  const m = /api (\d+), auth (\d+)/.exec(line)!;
  api = `127.0.0.1:${m[1]}`;
  authAddr = `127.0.0.1:${m[2]}`;
});

after(() => {
  if (controller.exitCode === null) controller.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

test('start refuses an IPv6 overlay prefix that is not one or is smaller than the pool, naming the flag', () => {
  const start = (prefix: string) => run('wicket-controller', ['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--auth-listen', '127.0.0.1:0', '--overlay-ipv6', prefix]);
  let r = start('fd00::/120');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--overlay-ipv6: overlay IPv6 prefix fd00::\/120 is smaller than the IPv4 pool 100\.64\.0\.0\/10/);
  r = start('100.64.0.0/10');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /--overlay-ipv6: .* is not an IPv6 prefix/);
});

test('init refuses an initialised directory and changes nothing', () => {
  // The database is in use by the running controller; compare everything but it.
  const digest = treeDigest(join(dataDir, 'admin')) + readFileSync(join(dataDir, 'master.key'), 'utf8') + readFileSync(join(dataDir, 'server.crt'), 'utf8');
  const again = run('wicket-controller', ['init', '--data-dir', dataDir]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /already initialised/);
  assert.equal(treeDigest(join(dataDir, 'admin')) + readFileSync(join(dataDir, 'master.key'), 'utf8') + readFileSync(join(dataDir, 'server.crt'), 'utf8'), digest);
  assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dataDir, 'admin', 'client.key')).mode & 0o777, 0o600);
});

test('--database (or WICKET_DATABASE_URL, which the flag overrides) takes only PostgreSQL URLs, refused before anything is written and without showing the password', () => {
  const fresh = join(dir, 'fresh');
  const mysql = 'mysql://wicket:hunter2@db.test/wicket';
  const checks = [
    run('wicket-controller', ['init', '--data-dir', fresh, '--database', mysql]),
    run('wicket-controller', ['init', '--data-dir', fresh], '', { WICKET_DATABASE_URL: mysql }),
    run('wicket-controller', ['init', '--data-dir', fresh, '--database', mysql], '', { WICKET_DATABASE_URL: 'postgres://wicket@db.test/wicket' }),
    run('wicket-controller', ['start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--auth-listen', '127.0.0.1:0'], '', { WICKET_DATABASE_URL: mysql }),
  ];
  for (const r of checks) {
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /mysql:\/\/wicket:\*\*\*@db\.test\/wicket: only postgres:\/\/ and postgresql:\/\/ URLs are supported/);
    assert.doesNotMatch(r.stderr + r.stdout, /hunter2/);
  }
  assert.equal(existsSync(fresh), false, 'a refused init creates nothing');
});

test('wicketctl user add --json prints name, TOTP secret and otpauth URI; user list --json shows the user', () => {
  const add = ctl(['user', 'add', 'alice', '--group', 'eng', '--group', 'ops', '--password-stdin', '--admin', '--json'], 'alice-password\n');
  assert.equal(add.code, 0, add.stderr);
  const out = JSON.parse(add.stdout) as { name: string; totp_secret: string; otpauth_uri: string };
  assert.deepEqual(Object.keys(out).sort(), ['name', 'otpauth_uri', 'totp_secret']);
  assert.equal(out.name, 'alice');
  assert.match(out.totp_secret, /^[A-Z2-7]{16,}$/);
  assert.match(out.otpauth_uri, /^otpauth:\/\/totp\/.*secret=/);
  const list = ctl(['user', 'list', '--json']);
  const users = JSON.parse(list.stdout) as { name: string; groups: string[]; admin: boolean }[];
  assert.deepEqual(users.map((u) => [u.name, u.groups, u.admin]), [['alice', ['eng', 'ops'], true]]);
});

test('wicketctl reports bad input and server refusals on stderr with a non-zero exit', () => {
  const bad = ctl(['user', 'add', "x';--"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /INVALID_ARGUMENT: name: /);
  const missing = ctl(['user', 'disable', 'nobody']);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /NOT_FOUND: no user nobody/);
  const ttl = ctl(['gateway', 'token', 'dc1', '--ttl', 'soon']);
  assert.notEqual(ttl.code, 0);
  assert.match(ttl.stderr, /invalid duration "soon"/);
});

test('wicketctl login stores an admin user\'s own certificate, which then works', async () => {
  const secret = JSON.parse(ctl(['user', 'add', 'root', '--password-stdin', '--admin', '--json'], 'root quartz tram password').stdout).totp_secret as string;
  const creds = join(dir, 'root-creds');
  const wrong = run('wicketctl', ['--credentials', creds, 'login', '--controller', authAddr, '--ca-fingerprint', 'ab'.repeat(32), '--user', 'root', '--password-stdin', '--totp', '000000'], 'root quartz tram password');
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /controller CA fingerprint mismatch/);
  const ok = run('wicketctl', ['--credentials', creds, 'login', '--controller', authAddr, '--ca-fingerprint', fingerprint.toUpperCase(), '--user', 'root', '--password-stdin', '--totp', await totpCode(secret, Date.now()), '--api', api], 'root quartz tram password\n');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(statSync(join(creds, 'client.key')).mode & 0o777, 0o600);
  const token = run('wicketctl', ['--credentials', creds, 'gateway', 'token', 'dc9', '--ttl', '15m', '--json']);
  assert.equal(token.code, 0, token.stderr);
  const audit = JSON.parse(ctl(['audit', '--json', '--action', 'gateway.token']).stdout) as { actor: string; target: string }[];
  assert.deepEqual(audit.map((r) => [r.actor, r.target]), [['admin:root', 'dc9']]);
});

test('user add refuses a weak password; admin list, admin revoke and admin-credentials manage the bootstrap credential', () => {
  const weak = ctl(['user', 'add', 'weakling', '--password-stdin'], 'password1\n');
  assert.notEqual(weak.code, 0);
  assert.match(weak.stderr, /INVALID_ARGUMENT: password: is too short/);
  const listed = JSON.parse(ctl(['admin', 'list', '--json']).stdout) as { serial: string; revokedAtMs: number | string }[];
  assert.equal(listed.length, 1);
  const oldCreds = join(dir, 'old-admin');
  cpSync(join(dataDir, 'admin'), oldCreds, { recursive: true });
  const renew = run('wicket-controller', ['admin-credentials', '--data-dir', dataDir, '--validity', '7d']);
  assert.equal(renew.code, 0, renew.stderr);
  assert.match(renew.stdout, /revoked 1 earlier/);
  const old = run('wicketctl', ['--controller', api, '--credentials', oldCreds, 'user', 'list']);
  assert.notEqual(old.code, 0);
  assert.match(old.stderr, /PERMISSION_DENIED: certificate has been revoked/);
  const after = JSON.parse(ctl(['admin', 'list', '--json']).stdout) as { serial: string; revokedAtMs: number | string }[];
  assert.deepEqual(after.map((c) => Number(c.revokedAtMs) > 0), [true, false]);
  const revoke = ctl(['admin', 'revoke', after[1]!.serial]);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.notEqual(ctl(['user', 'list']).code, 0, 'the revoked credential no longer works');
  assert.equal(run('wicket-controller', ['admin-credentials', '--data-dir', dataDir]).code, 0);
  assert.equal(ctl(['user', 'list']).code, 0);
});

test('wicketctl session list pages with its total; session list and flows pass device and gateway filters on', () => {
  const page = ctl(['session', 'list', '--gateway', 'dc1', '--limit', '10', '--offset', '20']);
  assert.equal(page.code, 0, page.stderr);
  assert.match(page.stdout, /^ID +USER +DEVICE/);
  assert.match(page.stdout, /\nsessions none of 0\n$/);
  assert.doesNotMatch(ctl(['session', 'list']).stdout, /sessions .* of/, 'no page, no total');
  // The controller refuses a malformed device id by name: the flag reached it.
  for (const args of [['session', 'list', '--device', 'laptop'], ['flows', '--device', 'laptop']]) {
    const bad = ctl(args);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /device_id: must be 32 lower-case hex characters/);
  }
  assert.match(ctl(['session', 'list', '--limit', '-1']).stderr, /--limit must be a non-negative integer/);
});

test('wicketctl audit verify passes, and the controller stops gracefully on SIGTERM', async () => {
  const verify = ctl(['audit', 'verify']);
  assert.equal(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, /\d+ records verified/);
  const exited = new Promise<number | null>((resolve) => controller.once('exit', (code) => resolve(code)));
  controller.kill('SIGTERM');
  assert.equal(await exited, 0);
});
