// The ES256 keys behind every identity assertion and sign-in ticket: one current key per
// gateway and one for the controller, made on first use, rotated once a day, and published
// (with each retired key for one more hour) as the controller's JWKS. The overlap covers
// assertions already signed (they live 60 s) and verifiers' JWKS caches (5 min). Private
// halves are sealed with the master key; only the owner's current key is ever opened.
import type { Logger } from '../../common/log.js';
import type { Store } from '../store/store.js';
import type { Audit } from '../audit/audit.js';
import type { MasterKey } from '../crypto/masterkey.js';
import { generateEs256, type EcPublicJwk } from '../crypto/es256.js';
import { AssertionKeyStore, type StoredKey } from './key-store.js';

/** A key is replaced once it is this old. */
export const KEY_LIFETIME_MS = 24 * 3_600_000;
/** A replaced key stays published this long. */
export const RETIRED_OVERLAP_MS = 3_600_000;
/** How often rotation is checked besides at every Sync start. */
export const ROTATION_CHECK_MS = 10 * 60_000;

export const CONTROLLER_KEY_OWNER = 'controller';
export const gatewayKeyOwner = (gateway: string): string => `gateway:${gateway}`;

/** A public key as the JWKS publishes it. */
export interface PublishedJwk extends EcPublicJwk { kid: string; alg: 'ES256'; use: 'sig' }

export interface SigningKeyPem { kid: string; privatePem: string }

/** What a rotation check changed: owners with a new current key, keys no longer published. */
export interface RotationResult { rotated: string[]; deleted: string[] }

const sealPurpose = (kid: string) => `assertion-key:${kid}`;
const published = (k: StoredKey): PublishedJwk => ({ ...k.publicJwk, kid: k.kid, alg: 'ES256', use: 'sig' });

export class AssertionKeys {
  /** The JWKS documents, rebuilt after any change. */
  private cache: { all: string; controller: string } | undefined;
  /** Counts committed changes: documents read before one are not cached. */
  private generation = 0;

  constructor(private readonly deps: { store: Store; audit: Audit; masterKey: MasterKey; now: () => number; log: Logger }) {}

  /** The key table as `store` (the root store or a transaction) sees it. */
  private keys(store: Store): AssertionKeyStore {
    return new AssertionKeyStore(store.db, store.dialect);
  }

  /**
   * The owner's current key (made now when it has none), private half opened. Two callers
   * making the owner's first key at once (here or on another controller) both get the one
   * the database kept: assertion_keys_current admits one current key per owner.
   */
  async signingKey(owner: string): Promise<SigningKeyPem> {
    const key = (await this.keys(this.deps.store).current(owner))
      ?? await this.deps.store.transaction(async (tx) => (await this.keys(tx).current(owner)) ?? this.make(tx, owner, undefined));
    return { kid: key.kid, privatePem: this.deps.masterKey.open(key.privateSealed, sealPurpose(key.kid)).toString('utf8') };
  }

  /**
   * Makes the owner's new current key, retiring `previous`; audited (key ids only). Call
   * inside a transaction. When another caller's key won, returns that one and records nothing.
   */
  private async make(tx: Store, owner: string, previous: StoredKey | undefined): Promise<StoredKey> {
    const keys = this.keys(tx);
    const now = this.deps.now();
    const pair = generateEs256();
    const key = { kid: pair.kid, owner, publicJwk: pair.publicJwk, privateSealed: this.deps.masterKey.seal(pair.privatePem, sealPurpose(pair.kid)), createdAtMs: now };
    if ((previous && !(await keys.retire(previous.kid, now))) || !(await keys.insert(key))) {
      const current = await keys.current(owner);
      if (!current) throw new Error(`assertion key of ${owner}: neither made nor found`);
      return current;
    }
    await this.deps.audit.append(tx, {
      actor: 'system', action: previous ? 'assertion_key.rotate' : 'assertion_key.create', target: owner,
      details: previous ? { kid: key.kid, previousKid: previous.kid, publishedUntilMs: now + RETIRED_OVERLAP_MS } : { kid: key.kid },
    });
    tx.afterCommit(() => this.invalidate());
    return { ...key, retiredAtMs: null };
  }

  /**
   * Replaces every current key older than KEY_LIFETIME_MS and deletes keys retired more than
   * RETIRED_OVERLAP_MS ago, in one transaction.
   */
  async rotate(): Promise<RotationResult> {
    const now = this.deps.now();
    const result = await this.deps.store.transaction(async (tx): Promise<RotationResult> => {
      const keys = this.keys(tx);
      const due = await keys.dueForRotation(now - KEY_LIFETIME_MS);
      for (const k of due) await this.make(tx, k.owner, k);
      const deleted = await keys.deleteRetired(now - RETIRED_OVERLAP_MS);
      if (deleted.length) tx.afterCommit(() => this.invalidate());
      return { rotated: due.map((k) => k.owner), deleted: deleted.map((d) => d.kid) };
    });
    if (result.rotated.length || result.deleted.length) this.deps.log.info(result, 'assertion keys rotated');
    return result;
  }

  /** Every published public key (gateways' and the controller's), as a JWKS document. */
  async jwksJson(): Promise<string> {
    return (await this.documents()).all;
  }

  /** The controller's own published keys (its sign-in tickets), as a JWKS document. */
  async controllerJwksJson(): Promise<string> {
    return (await this.documents()).controller;
  }

  private invalidate(): void {
    this.generation++;
    this.cache = undefined;
  }

  private async documents(): Promise<{ all: string; controller: string }> {
    if (this.cache) return this.cache;
    const generation = this.generation;
    const all = await this.keys(this.deps.store).all();
    const documents = {
      all: JSON.stringify({ keys: all.map(published) }),
      controller: JSON.stringify({ keys: all.filter((k) => k.owner === CONTROLLER_KEY_OWNER).map(published) }),
    };
    // A change committed while this read ran may be missing from it: serve it, but don't keep it.
    if (generation === this.generation) this.cache = documents;
    return documents;
  }
}
