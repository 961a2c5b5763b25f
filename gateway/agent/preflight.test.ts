// Tests for the gateway's startup checks: each missing tool or kernel feature yields a message
// naming it and the fix; a healthy host yields none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runPreflight, formatPreflight, systemProbes, type PreflightProbes, IP_FORWARD, TUN_DEVICE, WIREGUARD_MODULE } from './preflight.js';

interface Host {
  commands: Set<string>;
  paths: Set<string>;
  writablePaths: Set<string>;
  files: Map<string, string>;
  nft: { ok: boolean; stderr: string };
}

function healthyHost(): Host {
  return {
    commands: new Set(['wg', 'nft', 'ip', 'conntrack', 'wireguard-go']),
    paths: new Set([TUN_DEVICE]),
    writablePaths: new Set([IP_FORWARD]),
    files: new Map([[IP_FORWARD, '0\n']]),
    nft: { ok: true, stderr: '' },
  };
}

function probesOf(host: Host): PreflightProbes & { ran: string[][] } {
  const ran: string[][] = [];
  return {
    ran,
    hasCommand: async (name) => host.commands.has(name),
    exists: async (path) => host.paths.has(path),
    writable: async (path) => host.writablePaths.has(path),
    read: async (path) => host.files.get(path),
    run: async (file, args) => {
      ran.push([file, ...args]);
      return host.nft;
    },
  };
}

test('a healthy host has no problems and nftables is probed with `nft list tables`', async () => {
  const probes = probesOf(healthyHost());
  assert.deepEqual(await runPreflight(probes), []);
  assert.deepEqual(probes.ran, [['nft', 'list', 'tables']]);
});

test('each missing command is named with its package', async () => {
  const host = healthyHost();
  host.commands.delete('wg');
  host.commands.delete('conntrack');
  const problems = await runPreflight(probesOf(host));
  assert.deepEqual(problems, [
    '`wg` not found on PATH (install wireguard-tools)',
    '`conntrack` not found on PATH (install conntrack)',
  ]);
});

test('missing nft is reported once, without running it', async () => {
  const host = healthyHost();
  host.commands.delete('nft');
  const probes = probesOf(host);
  assert.deepEqual(await runPreflight(probes), ['`nft` not found on PATH (install nftables)']);
  assert.deepEqual(probes.ran, []);
});

test('no kernel module and no wireguard-go: says both', async () => {
  const host = healthyHost();
  host.commands.delete('wireguard-go');
  const [problem, ...rest] = await runPreflight(probesOf(host));
  assert.deepEqual(rest, []);
  assert.match(problem!, /kernel module is not loaded/);
  assert.match(problem!, /`wireguard-go` is not on PATH/);
});

test('wireguard-go without /dev/net/tun names the device', async () => {
  const host = healthyHost();
  host.paths.delete(TUN_DEVICE);
  assert.deepEqual(await runPreflight(probesOf(host)), [
    'wireguard-go needs /dev/net/tun, which does not exist (modprobe tun; in a container, pass the device through) and the wireguard kernel module is not loaded',
  ]);
});

test('the kernel module alone is enough', async () => {
  const host = healthyHost();
  host.commands.delete('wireguard-go');
  host.paths.delete(TUN_DEVICE);
  host.paths.add(WIREGUARD_MODULE);
  assert.deepEqual(await runPreflight(probesOf(host)), []);
});

test('unusable nftables quotes the first line of nft\'s error', async () => {
  const host = healthyHost();
  host.nft = { ok: false, stderr: 'Error: Operation not permitted\nmore\n' };
  assert.deepEqual(await runPreflight(probesOf(host)), [
    'nftables is not usable (`nft list tables` failed: Error: Operation not permitted): the gateway needs CAP_NET_ADMIN and the nf_tables kernel module',
  ]);
});

test('forwarding: on is fine even when read-only; off and read-only is a problem; unreadable is a problem', async () => {
  const on = healthyHost();
  on.files.set(IP_FORWARD, '1\n');
  on.writablePaths.clear();
  assert.deepEqual(await runPreflight(probesOf(on)), []);

  const stuck = healthyHost();
  stuck.writablePaths.clear();
  const [problem] = await runPreflight(probesOf(stuck));
  assert.match(problem!, /^IPv4 forwarding is off and \/proc\/sys\/net\/ipv4\/ip_forward is not writable/);

  const unknown = healthyHost();
  unknown.files.clear();
  assert.match((await runPreflight(probesOf(unknown)))[0]!, /^cannot read \/proc\/sys\/net\/ipv4\/ip_forward/);
});

test('formatPreflight lists every problem on its own line', () => {
  assert.equal(formatPreflight(['a', 'b']), 'the gateway cannot start on this host:\n  - a\n  - b');
});

test('system probes look at the real PATH and files', async () => {
  assert.equal(await systemProbes.hasCommand('sh'), true);
  assert.equal(await systemProbes.hasCommand('wicket-no-such-command'), false);
  const dir = mkdtempSync(join(tmpdir(), 'wicket-preflight-'));
  const file = join(dir, 'f');
  writeFileSync(file, 'x\n');
  assert.equal(await systemProbes.read(file), 'x\n');
  assert.equal(await systemProbes.read(join(dir, 'missing')), undefined);
  assert.equal(await systemProbes.exists(join(dir, 'missing')), false);
  assert.deepEqual(await systemProbes.run('sh', ['-c', 'echo oops >&2; exit 3']), { ok: false, stderr: 'oops\n' });
  assert.deepEqual(await systemProbes.run('true', []), { ok: true, stderr: '' });
});
