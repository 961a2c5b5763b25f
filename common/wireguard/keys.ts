// WireGuard keys made in-process: X25519 private keys, their public keys, preshared keys,
// and a one-way fingerprint to notice that a secret changed without keeping it. No key
// ever goes into argv, an error message or a log.
import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { wgKeySchema } from '../formats.js';

// Raw X25519 keys are the last 32 bytes of their PKCS#8 / SPKI DER encodings.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/**
 * A new X25519 private key, raw 32 bytes in base64, clamped as `wg genkey` does. Made from
 * 32 random bytes rather than with generateKeyPairSync: on Node 20, a garbage collection
 * during the export of a generateKeyPairSync key can deadlock the process (the key-pair job's
 * destructor waits on the lock the export holds), which we hit in practice.
 */
export function generatePrivateKey(): string {
  const k = randomBytes(32);
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;
  return k.toString('base64');
}

/** The public key of a base64 X25519 private key. */
export function publicKeyOf(privateKey: string): string {
  wgKeySchema.parse(privateKey);
  const der = Buffer.concat([X25519_PKCS8_PREFIX, Buffer.from(privateKey, 'base64')]);
  const spki = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

/** A new random preshared key (32 bytes, base64). */
export function generatePresharedKey(): string {
  return randomBytes(32).toString('base64');
}

/** A short one-way fingerprint of a secret, to notice that it changed without keeping it. */
export function keyFingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('base64').slice(0, 16);
}
