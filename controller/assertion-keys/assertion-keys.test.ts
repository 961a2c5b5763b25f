// Key rotation with a test clock: a key is made on first use with a jose-compatible kid, is
// replaced once 24 h old, the replaced key stays in the JWKS for the hour of overlap and is
// then deleted; rotations are audited without key material; private halves never in clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, compactVerify, CompactSign, importJWK, importPKCS8 } from 'jose';
import { openDatabase } from '../store/db.js';
import { Store } from '../store/store.js';
import { Audit } from '../audit/audit.js';
import { MasterKey } from '../crypto/masterkey.js';
import { createLogger } from '../../common/log.js';
import { AssertionKeys, CONTROLLER_KEY_OWNER, gatewayKeyOwner, KEY_LIFETIME_MS, RETIRED_OVERLAP_MS, type PublishedJwk } from './assertion-keys.js';

function setup() {
  const db = openDatabase(':memory:');
  const store = new Store(db);
  const audit = new Audit(db);
  let clock = 1_000_000;
  const keys = new AssertionKeys({ store, audit, masterKey: MasterKey.ephemeral(), now: () => clock, log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream) });
  const published = () => (JSON.parse(keys.jwksJson()) as { keys: PublishedJwk[] }).keys;
  return { db, keys, audit, published, tick: (ms: number) => { clock += ms; } };
}

test('a key is made on first use; its kid is the JWK thumbprint and it verifies what it signs', async () => {
  const { keys, published } = setup();
  const gw = keys.signingKey(gatewayKeyOwner('dc1'));
  assert.equal(keys.signingKey(gatewayKeyOwner('dc1')).kid, gw.kid, 'the same key until it rotates');
  const [jwk] = published();
  assert.equal(jwk.kid, gw.kid);
  assert.equal(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }), gw.kid);
  assert.deepEqual({ alg: jwk.alg, use: jwk.use, crv: jwk.crv }, { alg: 'ES256', use: 'sig', crv: 'P-256' });
  assert.equal('d' in jwk, false, 'no private member is published');
  const jws = await new CompactSign(new TextEncoder().encode('hello')).setProtectedHeader({ alg: 'ES256', kid: gw.kid }).sign(await importPKCS8(gw.privatePem, 'ES256'));
  await compactVerify(jws, await importJWK(jwk, 'ES256'));
  // The controller's own document holds only the controller's keys.
  const controller = keys.signingKey(CONTROLLER_KEY_OWNER);
  assert.deepEqual((JSON.parse(keys.controllerJwksJson()) as { keys: PublishedJwk[] }).keys.map((k) => k.kid), [controller.kid]);
  assert.deepEqual(published().map((k) => k.kid).sort(), [gw.kid, controller.kid].sort());
});

test('a 24 h old key is replaced; the old one stays published for the overlap, then goes', () => {
  const { keys, published, tick, db } = setup();
  const first = keys.signingKey(gatewayKeyOwner('dc1'));
  tick(KEY_LIFETIME_MS - 1);
  assert.deepEqual(keys.rotate(), { rotated: [], deleted: [] }, 'not yet due');
  tick(1);
  assert.deepEqual(keys.rotate(), { rotated: [gatewayKeyOwner('dc1')], deleted: [] });
  const second = keys.signingKey(gatewayKeyOwner('dc1'));
  assert.notEqual(second.kid, first.kid);
  assert.deepEqual(published().map((k) => k.kid).sort(), [first.kid, second.kid].sort(), 'both during the overlap');
  tick(RETIRED_OVERLAP_MS - 1);
  assert.deepEqual(keys.rotate(), { rotated: [], deleted: [] });
  assert.equal(published().length, 2);
  tick(1);
  assert.deepEqual(keys.rotate(), { rotated: [], deleted: [first.kid] });
  assert.deepEqual(published().map((k) => k.kid), [second.kid]);
  // Rotation is audited by key id; no PEM reaches the audit log or the table in clear.
  const audit = db.prepare<[], { action: string; details_json: string }>("SELECT action, details_json FROM audit WHERE action LIKE 'assertion_key.%' ORDER BY id").all();
  assert.deepEqual(audit.map((a) => a.action), ['assertion_key.create', 'assertion_key.rotate']);
  assert.deepEqual(JSON.parse(audit[1].details_json).previousKid, first.kid);
  const everything = JSON.stringify(db.prepare('SELECT * FROM audit').all()) + db.prepare<[], { p: Buffer }>('SELECT private_sealed AS p FROM assertion_keys').all().map((r) => r.p.toString('latin1')).join('');
  assert.doesNotMatch(everything, /PRIVATE KEY/);
});
