// Unit tests of WireGuard key handling: key generation (against the RFC 7748 vector),
// preshared keys and fingerprints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatePresharedKey, generatePrivateKey, keyFingerprint, publicKeyOf } from './keys.js';

const hexToB64 = (h: string) => Buffer.from(h, 'hex').toString('base64');

test('publicKeyOf matches the RFC 7748 X25519 test vector', () => {
  const priv = hexToB64('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
  assert.equal(publicKeyOf(priv), hexToB64('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a'));
});

test('generated keys are clamped 32-byte X25519 keys that derive distinct public keys', () => {
  const a = generatePrivateKey();
  const raw = Buffer.from(a, 'base64');
  assert.equal(raw[0] & 7, 0);
  assert.equal(raw[31] & 192, 64);
  const b = generatePrivateKey();
  assert.equal(Buffer.from(a, 'base64').length, 32);
  assert.notEqual(a, b);
  assert.notEqual(publicKeyOf(a), publicKeyOf(b));
  assert.equal(Buffer.from(generatePresharedKey(), 'base64').length, 32);
  assert.notEqual(generatePresharedKey(), generatePresharedKey());
  assert.throws(() => publicKeyOf('not-a-key'), /WireGuard key/);
});

test('keyFingerprint tells secrets apart without containing them', () => {
  const k = generatePresharedKey();
  assert.equal(keyFingerprint(k), keyFingerprint(k));
  assert.notEqual(keyFingerprint(k), keyFingerprint(generatePresharedKey()));
  assert.ok(!k.includes(keyFingerprint(k)));
});
