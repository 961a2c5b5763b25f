// The master key (32 random bytes in DATA_DIR/master.key, 0600, outside the database)
// and AES-256-GCM sealing of the secrets the database holds (CA key, TOTP secrets).
// Sealed format: version byte 1 | 12-byte IV | 16-byte tag | ciphertext. The associated
// data binds a sealed value to its purpose (e.g. "totp:alice") so values cannot be swapped.
import { randomBytes, createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { writeSecretFile } from '../../common/pki.js';

const VERSION = 1;
const IV_LEN = 12;
const TAG_LEN = 16;

export class MasterKey {
  private constructor(private readonly key: Buffer) {}

  /** Creates a new key file (refuses to overwrite one). */
  static create(path: string): MasterKey {
    if (fileExists(path)) throw new Error(`${path} already exists; refusing to replace the master key`);
    const key = randomBytes(32);
    writeSecretFile(path, key.toString('base64') + '\n');
    return new MasterKey(key);
  }

  /** Loads the key file; refuses one that others can read or that is malformed. */
  static load(path: string): MasterKey {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new Error(`${path} is accessible by other users (mode ${mode.toString(8)}); chmod 600 it`);
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
    return new MasterKey(key);
  }

  /** A key held in memory only (unit tests). */
  static ephemeral(): MasterKey {
    return new MasterKey(randomBytes(32));
  }

  seal(plaintext: Buffer | string, aad: string): Buffer {
    const iv = randomBytes(IV_LEN);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  /** A 32-byte key for one purpose (HKDF-SHA256): other keys never reveal the master key or each other. */
  derive(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `wicket:${purpose}`, 32));
  }

  /** Opens a sealed value; throws when it was altered, sealed for another purpose or with another key. */
  open(sealed: Buffer, aad: string): Buffer {
    if (sealed.length < 1 + IV_LEN + TAG_LEN || sealed[0] !== VERSION) throw new Error(`sealed value for ${aad} is malformed`);
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 1 + IV_LEN));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(sealed.subarray(1 + IV_LEN, 1 + IV_LEN + TAG_LEN));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_LEN + TAG_LEN)), decipher.final()]);
    } catch {
      throw new Error(`cannot open sealed value for ${aad}: wrong master key or altered data`);
    }
  }
}

function fileExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
