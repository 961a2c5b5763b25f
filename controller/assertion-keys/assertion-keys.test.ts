// Key rotation with a test clock: a key is made on first use with a jose-compatible kid, is
// replaced once 24 h old, the replaced key stays in the JWKS for the hour of overlap and is
// then deleted; rotations are audited without key material; private halves never in clear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, compactVerify, CompactSign, importJWK, importPKCS8 } from 'jose';
import { openTestStore } from '../../test/support/store.js';
import { Audit } from '../audit/audit.js';
import { MasterKey } from '../crypto/masterkey.js';
import { createLogger } from '../../common/log.js';
import { AssertionKeys, CONTROLLER_KEY_OWNER, gatewayKeyOwner, KEY_LIFETIME_MS, RETIRED_OVERLAP_MS, type PublishedJwk } from './assertion-keys.js';

async function setup(t: { after(fn: () => Promise<void>): void }) {
  const { store, database, close } = await openTestStore();
  t.after(close);
  const audit = await Audit.open(store);
  let clock = 1_000_000;
  const keys = new AssertionKeys({ store, audit, masterKey: MasterKey.ephemeral(), now: () => clock, log: createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream) });
  const published = async () => (JSON.parse(await keys.jwksJson()) as { keys: PublishedJwk[] }).keys;
  return { db: database.kysely, store, keys, audit, published, tick: (ms: number) => { clock += ms; } };
}

test('a key is made on first use; its kid is the JWK thumbprint and it verifies what it signs', async (t) => {
  const { keys, published } = await setup(t);
  const gw = await keys.signingKey(gatewayKeyOwner('dc1'));
  assert.equal((await keys.signingKey(gatewayKeyOwner('dc1'))).kid, gw.kid, 'the same key until it rotates');
  const [jwk] = await published();
  assert.equal(jwk.kid, gw.kid);
  assert.equal(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y }), gw.kid);
  assert.deepEqual({ alg: jwk.alg, use: jwk.use, crv: jwk.crv }, { alg: 'ES256', use: 'sig', crv: 'P-256' });
  assert.equal('d' in jwk, false, 'no private member is published');
  const jws = await new CompactSign(new TextEncoder().encode('hello')).setProtectedHeader({ alg: 'ES256', kid: gw.kid }).sign(await importPKCS8(gw.privatePem, 'ES256'));
  await compactVerify(jws, await importJWK(jwk, 'ES256'));
  // The controller's own document holds only the controller's keys.
  const controller = await keys.signingKey(CONTROLLER_KEY_OWNER);
  assert.deepEqual((JSON.parse(await keys.controllerJwksJson()) as { keys: PublishedJwk[] }).keys.map((k) => k.kid), [controller.kid]);
  assert.deepEqual((await published()).map((k) => k.kid).sort(), [gw.kid, controller.kid].sort());
});

test('a 24 h old key is replaced; the old one stays published for the overlap, then goes', async (t) => {
  const { keys, published, tick, db } = await setup(t);
  const first = await keys.signingKey(gatewayKeyOwner('dc1'));
  tick(KEY_LIFETIME_MS - 1);
  assert.deepEqual(await keys.rotate(), { rotated: [], deleted: [] }, 'not yet due');
  tick(1);
  assert.deepEqual(await keys.rotate(), { rotated: [gatewayKeyOwner('dc1')], deleted: [] });
  const second = await keys.signingKey(gatewayKeyOwner('dc1'));
  assert.notEqual(second.kid, first.kid);
  assert.deepEqual((await published()).map((k) => k.kid).sort(), [first.kid, second.kid].sort(), 'both during the overlap');
  tick(RETIRED_OVERLAP_MS - 1);
  assert.deepEqual(await keys.rotate(), { rotated: [], deleted: [] });
  assert.equal((await published()).length, 2);
  tick(1);
  assert.deepEqual(await keys.rotate(), { rotated: [], deleted: [first.kid] });
  assert.deepEqual((await published()).map((k) => k.kid), [second.kid]);
  // Rotation is audited by key id; no PEM reaches the audit log or the table in clear.
  const audit = await db.selectFrom('audit').select(['action', 'details_json']).where('action', 'like', 'assertion_key.%').orderBy('id').execute();
  assert.deepEqual(audit.map((a) => a.action), ['assertion_key.create', 'assertion_key.rotate']);
  assert.deepEqual(JSON.parse(audit[1].details_json).previousKid, first.kid);
  const everything = JSON.stringify(await db.selectFrom('audit').selectAll().execute())
    + (await db.selectFrom('assertion_keys').select('private_sealed as p').execute()).map((r) => r.p.toString('latin1')).join('');
  assert.doesNotMatch(everything, /PRIVATE KEY/);
});

test('concurrent first uses of an owner make one current key, which every caller gets', async (t) => {
  const { keys, db } = await setup(t);
  const got = await Promise.all(Array.from({ length: 5 }, () => keys.signingKey(gatewayKeyOwner('dc1'))));
  assert.equal(new Set(got.map((k) => k.kid)).size, 1);
  const rows = await db.selectFrom('assertion_keys').select('kid').where('owner', '=', gatewayKeyOwner('dc1')).execute();
  assert.deepEqual(rows.map((r) => r.kid), [got[0].kid]);
  const created = await db.selectFrom('audit').select('id').where('action', '=', 'assertion_key.create').execute();
  assert.equal(created.length, 1, 'one creation audited');
});
