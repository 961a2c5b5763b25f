import { test } from 'node:test';
import assert from 'node:assert/strict';
import { providerSchema } from './config.js';
import { mapClaims, SsoRefusal } from './claims.js';

const provider = (extra: Record<string, unknown> = {}) => providerSchema.parse({ name: 'corp', issuer: 'https://idp.example.com', client_id: 'wicket', ...extra });

test('only email_verified: true makes an e-mail address usable', () => {
  const p = provider();
  assert.equal(mapClaims(p, { sub: 's', email: 'A@Example.com', email_verified: true }).username, 'a@example.com');
  assert.equal(mapClaims(p, { sub: 's', email: 'a@example.com', email_verified: true }).emailVerified, true);
  for (const verified of [false, undefined, 'true', 1]) {
    assert.throws(() => mapClaims(p, { sub: 's', email: 'a@example.com', email_verified: verified }), SsoRefusal, String(verified));
  }
});

test('with another username claim an unverified address is reported, not trusted', () => {
  const p = provider({ username_claim: 'preferred_username' });
  const m = mapClaims(p, { sub: 's', preferred_username: 'alice', email: 'alice@example.com' });
  assert.equal(m.username, 'alice');
  assert.equal(m.emailVerified, false);
});

test('require_mfa defaults to admins', () => {
  assert.equal(provider().require_mfa, 'admins');
  assert.equal(provider({ require_mfa: 'all' }).require_mfa, 'all');
  assert.throws(() => provider({ require_mfa: 'nobody' }));
});
