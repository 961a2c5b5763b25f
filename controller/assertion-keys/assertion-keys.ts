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
  private readonly keys: AssertionKeyStore;
  /** The JWKS documents, rebuilt after any change. */
  private cache: { all: string; controller: string } | undefined;

  constructor(private readonly deps: { store: Store; audit: Audit; masterKey: MasterKey; now: () => number; log: Logger }) {
    this.keys = new AssertionKeyStore(deps.store.db);
  }

  /** The owner's current key (made now when it has none), private half opened. */
  signingKey(owner: string): SigningKeyPem {
    const key = this.keys.current(owner) ?? this.deps.store.transaction(() => this.keys.current(owner) ?? this.make(owner, undefined));
    return { kid: key.kid, privatePem: this.deps.masterKey.open(key.privateSealed, sealPurpose(key.kid)).toString('utf8') };
  }

  /** Makes the owner's new current key, retiring `previous`; audited (key ids only). */
  private make(owner: string, previous: StoredKey | undefined): StoredKey {
    const now = this.deps.now();
    const pair = generateEs256();
    if (previous) this.keys.retire(previous.kid, now);
    const key = { kid: pair.kid, owner, publicJwk: pair.publicJwk, privateSealed: this.deps.masterKey.seal(pair.privatePem, sealPurpose(pair.kid)), createdAtMs: now };
    this.keys.insert(key);
    this.deps.audit.append({
      actor: 'system', action: previous ? 'assertion_key.rotate' : 'assertion_key.create', target: owner,
      details: previous ? { kid: key.kid, previousKid: previous.kid, publishedUntilMs: now + RETIRED_OVERLAP_MS } : { kid: key.kid },
    });
    this.cache = undefined;
    return { ...key, retiredAtMs: null };
  }

  /**
   * Replaces every current key older than KEY_LIFETIME_MS and deletes keys retired more than
   * RETIRED_OVERLAP_MS ago, in one transaction.
   */
  rotate(): RotationResult {
    const now = this.deps.now();
    const result = this.deps.store.transaction((): RotationResult => {
      const due = this.keys.dueForRotation(now - KEY_LIFETIME_MS);
      for (const k of due) this.make(k.owner, k);
      const deleted = this.keys.deleteRetired(now - RETIRED_OVERLAP_MS);
      if (deleted.length) this.cache = undefined;
      return { rotated: due.map((k) => k.owner), deleted: deleted.map((d) => d.kid) };
    });
    if (result.rotated.length || result.deleted.length) this.deps.log.info(result, 'assertion keys rotated');
    return result;
  }

  /** Every published public key (gateways' and the controller's), as a JWKS document. */
  jwksJson(): string {
    return this.documents().all;
  }

  /** The controller's own published keys (its sign-in tickets), as a JWKS document. */
  controllerJwksJson(): string {
    return this.documents().controller;
  }

  private documents(): { all: string; controller: string } {
    if (!this.cache) {
      const all = this.keys.all();
      this.cache = {
        all: JSON.stringify({ keys: all.map(published) }),
        controller: JSON.stringify({ keys: all.filter((k) => k.owner === CONTROLLER_KEY_OWNER).map(published) }),
      };
    }
    return this.cache;
  }
}
