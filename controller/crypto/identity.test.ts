// Unit tests of certificate identities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { generateKeyPair } from '../../common/pki.js';
import { commonNameOf, deviceIdFromSpki, identitiesFromSubjectAltName, identityUri, parseIdentityUri, type Identity } from './identity.js';

const ids: Identity[] = [
  { kind: 'admin', name: 'alice' },
  { kind: 'gateway', name: 'dc-1.eu' },
  { kind: 'user', name: 'bob@corp', deviceId: '0123456789abcdef0123456789abcdef' },
];

test('URIs round-trip', () => {
  for (const id of ids) assert.deepEqual(parseIdentityUri(identityUri(id)), id);
  assert.equal(identityUri(ids[2]!), 'wicket://user/bob@corp/device/0123456789abcdef0123456789abcdef');
  assert.equal(commonNameOf(ids[1]!), 'gateway:dc-1.eu');
});

test('anything else is not an identity', () => {
  for (const uri of ['wicket://admin/', 'wicket://admin/a/b', 'wicket://user/bob', 'wicket://user/bob/device/XYZ', 'https://admin/alice',
    'wicket://user/bob/device/0123456789abcdef0123456789abcdeF', `wicket://admin/${'a'.repeat(65)}`, 'wicket://root/alice', 'wicket://admin/a b']) {
    assert.equal(parseIdentityUri(uri), undefined, uri);
  }
});

test('subjectAltName strings yield every identity URI and nothing else', () => {
  const san = `DNS:localhost, URI:${identityUri(ids[2]!)}, IP Address:127.0.0.1, URI:${identityUri(ids[0]!)}, URI:https://example.com`;
  assert.deepEqual(identitiesFromSubjectAltName(san), [ids[2], ids[0]]);
  assert.deepEqual(identitiesFromSubjectAltName(undefined), []);
});

test('device id is the first 16 bytes of SHA-256 over the SPKI, stable per key', () => {
  const k = generateKeyPair();
  const der = createPublicKey(k.publicKeyPem).export({ type: 'spki', format: 'der' });
  const id = deviceIdFromSpki(der);
  assert.match(id, /^[0-9a-f]{32}$/);
  assert.equal(deviceIdFromSpki(der), id);
  assert.notEqual(deviceIdFromSpki(createPublicKey(generateKeyPair().publicKeyPem).export({ type: 'spki', format: 'der' })), id);
});
