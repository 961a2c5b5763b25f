// The assertion_keys table (013_http_proxy.ts): ES256 keys by owner ('gateway:NAME' or
// 'controller'), the private half sealed, a retired key kept until it is deleted. The partial
// unique index assertion_keys_current allows one current key per owner, whichever controller
// makes it.
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../store/database.js';
import type { Schema, AssertionKeysTable } from '../store/schema.js';
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

const toKey = (r: Selectable<AssertionKeysTable>): StoredKey => ({
  kid: r.kid, owner: r.owner, publicJwk: JSON.parse(r.public_jwk) as EcPublicJwk, privateSealed: r.private_sealed,
  createdAtMs: r.created_at_ms, retiredAtMs: r.retired_at_ms,
});

export class AssertionKeyStore {
  constructor(private readonly db: Kysely<Schema>, _dialect: Dialect) {}

  /**
   * Inserts the owner's new current key; false when the owner already has one (another
   * controller, or a concurrent call, made it first): the caller then uses that one.
   */
  async insert(k: Omit<StoredKey, 'retiredAtMs'>): Promise<boolean> {
    const inserted = await this.db.insertInto('assertion_keys')
      .values({ kid: k.kid, owner: k.owner, public_jwk: JSON.stringify(k.publicJwk), private_sealed: k.privateSealed, created_at_ms: k.createdAtMs })
      .onConflict((oc) => oc.column('owner').where('retired_at_ms', 'is', null).doNothing())
      .returning('kid').executeTakeFirst();
    return inserted !== undefined;
  }

  async current(owner: string): Promise<StoredKey | undefined> {
    const r = await this.db.selectFrom('assertion_keys').selectAll().where('owner', '=', owner).where('retired_at_ms', 'is', null).executeTakeFirst();
    return r && toKey(r);
  }

  /** Every key still published (current and retired), by owner (an array: a few per gateway). */
  async all(): Promise<StoredKey[]> {
    const rows = await this.db.selectFrom('assertion_keys').selectAll().orderBy('owner').orderBy('created_at_ms').orderBy('kid').execute();
    return rows.map(toKey);
  }

  /** Retires the key; false when it was already retired. */
  async retire(kid: string, nowMs: number): Promise<boolean> {
    const result = await this.db.updateTable('assertion_keys').set({ retired_at_ms: nowMs }).where('kid', '=', kid).where('retired_at_ms', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Current keys made at or before `createdBeforeMs`. */
  async dueForRotation(createdBeforeMs: number): Promise<StoredKey[]> {
    const rows = await this.db.selectFrom('assertion_keys').selectAll().where('retired_at_ms', 'is', null).where('created_at_ms', '<=', createdBeforeMs)
      .orderBy('owner').orderBy('kid').execute();
    return rows.map(toKey);
  }

  /** Deletes keys retired at or before `retiredBeforeMs`; returns what went. */
  async deleteRetired(retiredBeforeMs: number): Promise<{ kid: string; owner: string }[]> {
    return this.db.deleteFrom('assertion_keys').where('retired_at_ms', 'is not', null).where('retired_at_ms', '<=', retiredBeforeMs)
      .returning(['kid', 'owner']).execute();
  }
}
