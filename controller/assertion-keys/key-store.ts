// The assertion_keys table (013_http_proxy.sql): ES256 keys by owner ('gateway:NAME' or
// 'controller'), the private half sealed, a retired key kept until it is deleted.
import type { DB } from '../store/db.js';
import type { EcPublicJwk } from '../crypto/es256.js';

export interface StoredKey {
  kid: string;
  owner: string;
  publicJwk: EcPublicJwk;
  privateSealed: Buffer;
  createdAtMs: number;
  /** null: the owner's current key. */
  retiredAtMs: number | null;
}

interface KeyRow { kid: string; owner: string; public_jwk: string; private_sealed: Buffer; created_at_ms: number; retired_at_ms: number | null }

const toKey = (r: KeyRow): StoredKey => ({
  kid: r.kid, owner: r.owner, publicJwk: JSON.parse(r.public_jwk) as EcPublicJwk, privateSealed: r.private_sealed,
  createdAtMs: r.created_at_ms, retiredAtMs: r.retired_at_ms,
});

export class AssertionKeyStore {
  private readonly stmts;

  constructor(db: DB) {
    this.stmts = {
      insert: db.prepare('INSERT INTO assertion_keys (kid, owner, public_jwk, private_sealed, created_at_ms) VALUES (?, ?, ?, ?, ?)'),
      current: db.prepare<[string], KeyRow>('SELECT * FROM assertion_keys WHERE owner = ? AND retired_at_ms IS NULL'),
      all: db.prepare<[], KeyRow>('SELECT * FROM assertion_keys ORDER BY owner, created_at_ms, kid'),
      retire: db.prepare('UPDATE assertion_keys SET retired_at_ms = ? WHERE kid = ? AND retired_at_ms IS NULL'),
      dueForRotation: db.prepare<[number], KeyRow>('SELECT * FROM assertion_keys WHERE retired_at_ms IS NULL AND created_at_ms <= ?'),
      deleteRetired: db.prepare<[number], { kid: string; owner: string }>('DELETE FROM assertion_keys WHERE retired_at_ms IS NOT NULL AND retired_at_ms <= ? RETURNING kid, owner'),
    };
  }

  insert(k: Omit<StoredKey, 'retiredAtMs'>): void {
    this.stmts.insert.run(k.kid, k.owner, JSON.stringify(k.publicJwk), k.privateSealed, k.createdAtMs);
  }

  current(owner: string): StoredKey | undefined {
    const r = this.stmts.current.get(owner);
    return r && toKey(r);
  }

  /** Every key still published (current and retired), by owner. */
  all(): StoredKey[] {
    return this.stmts.all.all().map(toKey);
  }

  retire(kid: string, nowMs: number): void {
    this.stmts.retire.run(nowMs, kid);
  }

  /** Current keys made at or before `createdBeforeMs`. */
  dueForRotation(createdBeforeMs: number): StoredKey[] {
    return this.stmts.dueForRotation.all(createdBeforeMs).map(toKey);
  }

  /** Deletes keys retired at or before `retiredBeforeMs`; returns what went. */
  deleteRetired(retiredBeforeMs: number): { kid: string; owner: string }[] {
    return this.stmts.deleteRetired.all(retiredBeforeMs);
  }
}
