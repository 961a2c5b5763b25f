// Password hashing with scrypt (node:crypto, the asynchronous form: the work runs on the
// libuv thread pool, never on the event loop): per-user random salt, parameters stored with
// the hash, constant-time comparison, and a dummy hash with the same parameters so that an
// unknown user costs the same time as a known one. Hashes with other parameters than the
// current ones still verify and are reported as needing a rehash (done at the next login).
import { scrypt as scryptCb, randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** OWASP Password Storage Cheat Sheet minimum for scrypt: N=2^17, r=8, p=1. */
export const SCRYPT_PARAMS = { N: 1 << 17, r: 8, p: 1 };
const KEY_LEN = 32;

/** scrypt needs 128·N·r bytes; the limit is set from the parameters of each hash. */
const maxmemFor = (o: ScryptOptions) => 256 * (o.N ?? 0) * (o.r ?? 0) + 1024 * 1024;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFC'), salt, KEY_LEN, { ...options, maxmem: maxmemFor(options) }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** "scrypt$N$r$p$salt_b64$hash_b64" with the given parameters (others than the current ones only in tests of the upgrade). */
export async function hashPassword(password: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

let dummyHash: Promise<string> | undefined;

export interface PasswordCheck { ok: boolean; needsRehash: boolean }

/**
 * Whether `password` matches `stored`, and whether the stored hash uses other parameters
 * than the current ones. With `stored` null (unknown user, or no password set) a dummy hash
 * with the current parameters is checked instead, so the answer takes as long and is false.
 */
export async function checkPassword(password: string, stored: string | null): Promise<PasswordCheck> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const encoded = stored ?? (await dummyHash);
  const [scheme, n, r, p, salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) throw new Error('stored password hash is malformed');
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), params);
  const ok = timingSafeEqual(actual, expected) && stored !== null;
  const needsRehash = params.N !== SCRYPT_PARAMS.N || params.r !== SCRYPT_PARAMS.r || params.p !== SCRYPT_PARAMS.p;
  return { ok, needsRehash };
}
