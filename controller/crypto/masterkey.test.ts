// Unit tests of secret sealing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MasterKey } from './masterkey.js';

test('seal/open round-trips; wrong purpose, key or altered bytes fail', () => {
  const k = MasterKey.ephemeral();
  const sealed = k.seal('JBSWY3DPEHPK3PXP', 'totp:alice');
  assert.equal(sealed.includes(Buffer.from('JBSWY3DPEHPK3PXP')), false);
  assert.equal(k.open(sealed, 'totp:alice').toString(), 'JBSWY3DPEHPK3PXP');
  assert.throws(() => k.open(sealed, 'totp:bob'), /cannot open sealed value for totp:bob/);
  assert.throws(() => MasterKey.ephemeral().open(sealed, 'totp:alice'), /wrong master key or altered/);
  const altered = Buffer.from(sealed);
  altered[altered.length - 1]! ^= 1;
  assert.throws(() => k.open(altered, 'totp:alice'), /altered/);
  assert.throws(() => k.open(Buffer.alloc(5), 'x'), /malformed/);
});

test('key files are 0600, never replaced, and refused when readable by others', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wicket-mk-'));
  try {
    const path = join(dir, 'sub', 'master.key');
    const k = MasterKey.create(path);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.throws(() => MasterKey.create(path), /already exists/);
    assert.equal(MasterKey.load(path).open(k.seal('x', 'a'), 'a').toString(), 'x');
    chmodSync(path, 0o644);
    assert.throws(() => MasterKey.load(path), /accessible by other users/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
