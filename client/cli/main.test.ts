// The `wicket` command end to end on this machine: real CLI processes, a stand-in controller
// over real (mutual) TLS, a real WireGuard interface and routes, the detached agent following
// Watch. Runs inside a private network namespace (`unshare -n`: this file re-runs itself
// there) so routes and interfaces touch nothing else; needs root, wireguard-go, wg, ip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deleteInterface } from '../../common/wireguard/interface.js';
import { generatePresharedKey, generatePrivateKey, publicKeyOf } from '../../common/wireguard/keys.js';
import { runTool } from '../../common/exec.js';
import { processAlive } from '../../common/process.js';
import { StateDir } from '../state.js';
import { startStubController, STUB_PASSWORD, STUB_TOTP } from '../../test/support/stub-controller.js';

const SELF = fileURLToPath(import.meta.url);
const MAIN = join(SELF, '..', 'main.js');
const INNER = process.env.WICKET_CLI_TEST_NETNS === '1';
const missing = ['ip', 'wg', 'wireguard-go', 'wg-quick', 'unshare'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length ? `missing ${missing.join(', ')}` : false;

if (!INNER) {
  test('wicket CLI in a private network namespace', { skip }, () => {
    // NODE_TEST_CONTEXT would make the inner runner talk to ours in its binary protocol.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync('unshare', ['-n', process.execPath, '--test', '--test-reporter=spec', SELF], {
      env: { ...env, WICKET_CLI_TEST_NETNS: '1' }, encoding: 'utf8', timeout: 240_000,
    });
    assert.equal(r.status, 0, `inner run failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /pass [1-9]/);
  });
} else {
  /** Runs the CLI, resolving with its exit code and output (the stub serves while it runs). */
  const wicket = (dir: string, args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [MAIN, '--state-dir', dir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
      child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input);
    });

  const routes = async (ifname: string) => (await runTool('ip', ['-4', 'route', 'show', 'dev', ifname]))
    .split('\n').filter(Boolean).map((l) => l.split(' ')[0]).sort();
  const linkExists = async (ifname: string) => runTool('ip', ['link', 'show', 'dev', ifname]).then(() => true, () => false);
  async function until(what: string, cond: () => Promise<boolean> | boolean): Promise<void> {
    for (let i = 0; i < 300; i++) {
      if (await cond()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
  }

  test('login, up (detached agent), live update, wg-quick, revocation, up again, down, foreground', async () => {
    await runTool('ip', ['link', 'set', 'lo', 'up']);
    const stub = await startStubController();
    const dir = mkdtempSync(join(tmpdir(), 'wicket-cli-'));
    const state = new StateDir(dir);
    const ifname = `wkcli${randomBytes(3).toString('hex')}`;
    const gwKey = publicKeyOf(generatePrivateKey());
    const gateway = (allowedIps: string[]) => ({ gateway: 'dc1', endpoint: '127.0.0.1:9', publicKey: gwKey, presharedKey: generatePresharedKey(), allowedIps });
    const ent = { resource: 'wiki', gateway: 'dc1', destination: '10.20.0.10/32', protocol: 'tcp', portFrom: 443, portTo: 443, grant: 'eng-wiki', expiresAtMs: Date.now() + 3_600_000 };
    const session = (id: string, wgPublicKey: string, over = {}) => ({
      id, username: 'alice', deviceId: 'd', overlayAddress: '100.64.0.7', wgPublicKey, createdAtMs: Date.now(),
      expiresAtMs: Date.now() + 3_600_000, state: 'active', entitlements: [ent], ...over,
    });
    stub.onConnect = (req, id) => ({ session: session(id, req.wgPublicKey), gateways: [gateway(['10.20.0.10'])], denials: [] });
    try {
      let r = await wicket(dir, ['login', '--controller', stub.authEndpoint, '--ca-fingerprint', stub.caFingerprint, '--user', 'alice', '--password-stdin', '--totp', STUB_TOTP], `${STUB_PASSWORD}\n`);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /logged in as alice/);

      r = await wicket(dir, ['up', '--interface', ifname]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /session sess-1 up/);
      const first = state.session()!;
      assert.ok(processAlive(first.agentPid), 'the agent runs detached');
      assert.equal(stub.connects[0]!.wgPublicKey, first.wgPublicKey);
      assert.equal(stub.connects[0]!.posture?.os, 'linux');
      assert.deepEqual(await routes(ifname), ['10.20.0.10']);
      await until('the agent to watch', () => stub.watchers('sess-1') === 1);
      await until('a heartbeat', () => stub.heartbeats.some((h) => h.sessionId === 'sess-1' && h.posture?.os === 'linux'));

      const status = JSON.parse((await wicket(dir, ['status', '--json'])).stdout);
      assert.equal(status.user, 'alice');
      assert.equal(status.session.address, '100.64.0.7');
      assert.equal(status.session.agentRunning, true);
      assert.deepEqual(status.resources.map((x: { resource: string; gateway: string }) => [x.resource, x.gateway]), [['wiki', 'dc1']]);
      assert.equal(status.gateways[0].gateway, 'dc1');

      const resources = JSON.parse((await wicket(dir, ['resources', '--json'])).stdout);
      assert.deepEqual(resources.map((x: { resource: string; allowed: boolean }) => [x.resource, x.allowed]), [['wiki', true], ['db', false]]);

      // Entitlements change live: the routes and AllowedIPs follow.
      stub.push('sess-1', { kind: 'updated', session: session('sess-1', first.wgPublicKey), gateways: [gateway(['10.20.1.0/24', '10.20.0.10'])] });
      await until('the new route', async () => (await routes(ifname)).join() === '10.20.0.10,10.20.1.0/24');
      stub.push('sess-1', { kind: 'updated', session: session('sess-1', first.wgPublicKey), gateways: [gateway(['10.20.1.0/24'])] });
      await until('the old route to go', async () => (await routes(ifname)).join() === '10.20.1.0/24');
      const dump = await runTool('wg', ['show', ifname, 'allowed-ips']);
      assert.equal(dump.trim(), `${gwKey}\t10.20.1.0/24`);

      // The wg-quick export is accepted by wg-quick itself.
      r = await wicket(dir, ['config', '--wg-quick']);
      assert.equal(r.code, 0, r.stderr);
      const conf = join(dir, `${ifname}.conf`);
      writeFileSync(conf, r.stdout, { mode: 0o600 });
      const stripped = await runTool('wg-quick', ['strip', conf]);
      assert.match(stripped, /PrivateKey = /);
      assert.match(stripped, /AllowedIPs = 10\.20\.1\.0\/24/);
      assert.doesNotMatch(stripped, /Address/);

      // Revocation: the agent removes the interface and records why; status says so.
      stub.push('sess-1', { kind: 'revoked', session: session('sess-1', first.wgPublicKey, { state: 'revoked' }), message: 'revoked by admin root' });
      await until('the interface to go', async () => !(await linkExists(ifname)));
      await until('the agent to exit', () => !processAlive(first.agentPid));
      r = await wicket(dir, ['status']);
      assert.match(r.stdout, /sess-1 revoked at .*: revoked by admin root/);
      assert.equal((await wicket(dir, ['config', '--wg-quick'])).code, 1);

      // A new session gets a new key pair; down stops the agent, disconnects and cleans up.
      r = await wicket(dir, ['up', '--interface', ifname]);
      assert.equal(r.code, 0, r.stderr);
      const second = state.session()!;
      assert.notEqual(second.wgPublicKey, first.wgPublicKey);
      r = await wicket(dir, ['down']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(stub.disconnects, ['sess-2']);
      assert.equal(processAlive(second.agentPid), false);
      assert.equal(await linkExists(ifname), false);
      assert.equal(state.session(), undefined);

      // In the foreground the agent runs in `up` itself: a revocation ends it with exit code 2
      // and the reason; Ctrl-C (SIGINT) takes the session down.
      const foreground = () => {
        const child = spawn(process.execPath, [MAIN, '--state-dir', dir, 'up', '--foreground', '--interface', ifname], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
        const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
        return { child, exited, stderr: () => stderr };
      };
      let fg = foreground();
      await until('the foreground agent', () => state.session()?.agentPid === fg.child.pid && stub.watchers('sess-3') === 1);
      stub.push('sess-3', { kind: 'revoked', session: session('sess-3', state.session()!.wgPublicKey, { state: 'revoked' }), message: 'device blocked by admin root' });
      assert.equal(await fg.exited, 2);
      assert.match(fg.stderr(), /session revoked: device blocked by admin root/);
      assert.equal(await linkExists(ifname), false);
      fg = foreground();
      await until('the foreground agent', () => state.session()?.agentPid === fg.child.pid && stub.watchers('sess-4') === 1);
      fg.child.kill('SIGINT');
      assert.equal(await fg.exited, 0, fg.stderr());
      assert.deepEqual(stub.disconnects, ['sess-2', 'sess-4']);
      assert.equal(await linkExists(ifname), false);
      assert.equal(state.session(), undefined);

      // Without a controller, up fails with a clear message and leaves nothing behind.
      stub.close();
      r = await wicket(dir, ['up', '--interface', ifname]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`error: cannot start a session: the controller at 127\\.0\\.0\\.1:${stub.apiPort} cannot be reached`));
      assert.equal(await linkExists(ifname), false);
    } finally {
      const s = (() => { try { return state.session(); } catch { return undefined; } })();
      if (s && processAlive(s.agentPid)) process.kill(s.agentPid, 'SIGKILL');
      await deleteInterface(ifname).catch(() => undefined);
      stub.close();
    }
  });
}
