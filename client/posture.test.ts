// Unit tests for posture detection, driven by fake probes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectPosture, diskEncryption, firewall, nftHasDropInput, type PostureProbes } from './posture.js';

function probes(files: Record<string, string>, dirs: Record<string, string[]> = {}, commands: Record<string, string> = {}): PostureProbes {
  return {
    platform: () => 'linux',
    release: () => '6.1.0-test',
    hostname: () => 'laptop',
    readFile: (p) => files[p],
    readDir: (p) => dirs[p] ?? [],
    run: async (file, args) => commands[[file, ...args].join(' ')],
  };
}

test('root on LVM on LUKS is encrypted', () => {
  const p = probes({
    '/proc/mounts': 'sysfs /sys sysfs rw 0 0\n/dev/mapper/vg-root / ext4 rw 0 0\n',
    '/sys/block/dm-1/dm/name': 'vg-root\n',
    '/sys/block/dm-1/dm/uuid': 'LVM-abc\n',
    '/sys/block/dm-0/dm/name': 'luks-123\n',
    '/sys/block/dm-0/dm/uuid': 'CRYPT-LUKS2-123-luks-123\n',
  }, { '/sys/block': ['sda', 'dm-0', 'dm-1'], '/sys/block/dm-1/slaves': ['dm-0'], '/sys/block/dm-0/slaves': ['sda2'] });
  assert.equal(diskEncryption(p), 'true');
});

test('root on a plain partition is not encrypted; an overlay root is unknown', () => {
  assert.equal(diskEncryption(probes({ '/proc/mounts': '/dev/nvme0n1p2 / ext4 rw 0 0\n' })), 'false');
  assert.equal(diskEncryption(probes({ '/proc/mounts': 'overlay / overlay rw 0 0\n' })), '');
  assert.equal(diskEncryption(probes({})), '');
});

const nftDrop = JSON.stringify({ nftables: [{ metainfo: {} }, { chain: { family: 'inet', table: 'filter', name: 'input', hook: 'input', policy: 'drop' } }] });
const nftAccept = JSON.stringify({ nftables: [{ chain: { family: 'inet', table: 'filter', name: 'input', hook: 'input', policy: 'accept' } }] });

test('firewall: an input chain with policy drop counts, accept does not, unreadable is unknown', async () => {
  assert.equal(nftHasDropInput(nftDrop), true);
  assert.equal(nftHasDropInput(nftAccept), false);
  assert.equal(await firewall(probes({}, {}, { 'nft -j list ruleset': nftDrop })), 'true');
  assert.equal(await firewall(probes({}, {}, { 'nft -j list ruleset': nftAccept })), 'false');
  assert.equal(await firewall(probes({}, {}, { 'iptables -S INPUT': '-P INPUT DROP\n-A INPUT -i lo -j ACCEPT\n' })), 'true');
  assert.equal(await firewall(probes({})), '');
});

test('collectPosture fills every field and applies the override file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-posture-'));
  const override = join(dir, 'posture.json');
  const real = await import('./posture.js');
  const base = probes({ '/proc/mounts': '/dev/sda1 / ext4 rw 0 0\n' });
  const p: PostureProbes = { ...base, readFile: (path) => base.readFile(path) ?? real.systemProbes.readFile(path) };
  const plain = await collectPosture(p, undefined);
  assert.deepEqual({ ...plain, clientVersion: '' }, { os: 'linux', osVersion: '6.1.0-test', clientVersion: '', diskEncryption: 'false', firewall: '', hostname: 'laptop' });
  assert.match(plain.clientVersion, /^\d+\.\d+\.\d+/);
  writeFileSync(override, JSON.stringify({ diskEncryption: 'true' }));
  assert.equal((await collectPosture(p, override)).diskEncryption, 'true');
  writeFileSync(override, JSON.stringify({ diskEncrypted: 'true' }));
  await assert.rejects(collectPosture(p, override), /WICKET_POSTURE_FILE/);
});
